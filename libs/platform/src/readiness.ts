import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '@gatehouse/observability';

/** Collects the checks behind `/health/ready`; each feature adds its own (e.g. "caught up"). */
@Injectable()
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  all(): readonly ReadinessCheck[] {
    return this.checks;
  }
}
