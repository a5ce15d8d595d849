import type { AiUsage } from '@gatehouse/ai';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the AI engine reports after each attempt (its `onAttempt` callback). */
export interface AiAttempt {
  readonly provider: string;
  readonly model: string;
  readonly outcome: string;
  readonly latencyMs: number;
}

/**
 * AI series of the gateway. Labels come from the catalog (provider ids, model names) and the
 * attempt outcome (a provider status, `timeout`, `error`, `unsupported`), so they stay bounded.
 * Tokens and cost also travel on the usage records, where metering counts them exactly; these
 * series are for dashboards.
 */
export class AiMetrics {
  private readonly attempts: Counter;
  private readonly attemptSeconds: Histogram;
  readonly builds: Counter;
  readonly credentialErrors: Counter;
  readonly tenants: Gauge;
  private readonly tokens: Counter;
  private readonly cost: Counter;
  private readonly unpriced: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({ name: 'gateway_ai_attempts_total', help: 'Attempts against AI providers, by provider id, catalog model and outcome (status, timeout, error, unsupported).', labelNames: ['provider', 'model', 'outcome'], registers });
    this.attemptSeconds = new Histogram({
      name: 'gateway_ai_attempt_seconds',
      help: 'Duration of AI provider attempts (streams: until the first event), by provider id and catalog model.',
      labelNames: ['provider', 'model'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.builds = new Counter({ name: 'gateway_ai_config_builds_total', help: 'Per-tenant AI handler builds, by outcome (built, removed, failed).', labelNames: ['outcome'], registers });
    this.credentialErrors = new Counter({ name: 'gateway_ai_credential_errors_total', help: 'AI provider credentials that did not open with the key-transport secret.', registers });
    this.tenants = new Gauge({ name: 'gateway_ai_tenants', help: 'Tenants with an AI handler.', registers });
    this.tokens = new Counter({ name: 'gateway_ai_tokens_total', help: 'LLM tokens answered, by provider id, catalog model and kind (prompt, completion, cached).', labelNames: ['provider', 'model', 'kind'], registers });
    this.cost = new Counter({ name: 'gateway_ai_cost_micros_total', help: 'Cost of AI requests from the catalog prices, in micro-units of the currency.', labelNames: ['provider', 'model', 'currency'], registers });
    this.unpriced = new Counter({ name: 'gateway_ai_unpriced_requests_total', help: 'AI requests to models without a price (flagged, never costed at zero).', labelNames: ['provider', 'model'], registers });
  }

  usage(usage: AiUsage): void {
    const labels = { provider: usage.provider, model: usage.model };
    this.tokens.inc({ ...labels, kind: 'prompt' }, usage.promptTokens);
    this.tokens.inc({ ...labels, kind: 'completion' }, usage.completionTokens);
    this.tokens.inc({ ...labels, kind: 'cached' }, usage.cachedTokens);
    if (usage.costMicros === null) this.unpriced.inc(labels);
    else this.cost.inc({ ...labels, currency: usage.currency ?? '' }, usage.costMicros);
  }

  attempt(attempt: AiAttempt): void {
    this.attempts.inc({ provider: attempt.provider, model: attempt.model, outcome: attempt.outcome });
    this.attemptSeconds.observe({ provider: attempt.provider, model: attempt.model }, attempt.latencyMs / 1000);
  }
}
