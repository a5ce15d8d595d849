import { Inject, Injectable } from '@nestjs/common';
import type { Registry } from '@gatehouse/observability';
import { METRICS } from '@gatehouse/platform';
import { Counter } from 'prom-client';

/** Token endpoint counters: plain increments on the hot path. */
@Injectable()
export class TokenMetrics {
  private readonly issued: Counter<'grant_type' | 'encrypted'>;
  private readonly refused: Counter<'grant_type' | 'error'>;

  constructor(@Inject(METRICS) registry: Registry) {
    this.issued = new Counter({ name: 'gatehouse_identity_tokens_issued_total', help: 'Access tokens issued, by grant type and whether nested in a JWE.', labelNames: ['grant_type', 'encrypted'], registers: [registry] });
    this.refused = new Counter({ name: 'gatehouse_identity_token_errors_total', help: 'Token requests answered with an OAuth error, by grant type and error.', labelNames: ['grant_type', 'error'], registers: [registry] });
  }

  issue(grantType: string, encrypted: boolean): void {
    this.issued.inc({ grant_type: grantType, encrypted: String(encrypted) });
  }

  refuse(grantType: string, error: string): void {
    this.refused.inc({ grant_type: grantType, error });
  }
}
