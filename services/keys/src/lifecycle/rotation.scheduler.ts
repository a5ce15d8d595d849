import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { LOGGER, METRICS } from '@gatehouse/platform';
import { Counter, type Registry } from 'prom-client';
import { KEYS_OPTIONS, type KeysOptions } from '../keys.options';
import { EnforcePolicyLimits } from '../key-sets/enforce-policy-limits.use-case';
import { EnsureDefaultKeySets } from '../key-sets/ensure-default-key-sets.use-case';
import { StoredKeysCheck } from '../master-key/stored-keys.check';
import { RepublishKeyStates } from '../publication/republish-key-states.use-case';
import { RunRotationTick, type TickResult } from './run-rotation-tick.use-case';

/**
 * Runs the rotation tick on a timer (never two at once in one process; across replicas the
 * advisory lock decides). At boot it checks that every stored key can be opened, creates the
 * platform default sets (or, on a restart, raises stored policies below the configured limits
 * and republishes the key states under the current transport secrets) and runs a first tick,
 * so the JWKS is populated before it reports ready.
 */
@Injectable()
export class RotationScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickResult | null> | null = null;
  private stopped = false;
  private readonly ticks: Counter<'outcome'>;

  constructor(
    private readonly storedKeys: StoredKeysCheck,
    private readonly ensureDefaults: EnsureDefaultKeySets,
    private readonly policyLimits: EnforcePolicyLimits,
    private readonly republish: RepublishKeyStates,
    private readonly tick: RunRotationTick,
    @Inject(KEYS_OPTIONS) private readonly options: KeysOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) registry: Registry,
  ) {
    this.ticks = new Counter({ name: 'gatehouse_keys_scheduler_ticks_total', help: 'Rotation scheduler ticks by outcome', labelNames: ['outcome'], registers: [registry] });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.storedKeys.assertReadable();
    if (!(await this.ensureDefaults.execute())) {
      await this.policyLimits.execute();
      await this.republish.execute();
    }
    await this.runOnce();
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs a tick now, or joins the one in progress. Resolves null when the tick failed. */
  runOnce(): Promise<TickResult | null> {
    this.running ??= this.tick
      .execute()
      .then((result) => {
        this.ticks.inc({ outcome: result.ran ? (result.steps > 0 ? 'changed' : 'idle') : 'locked' });
        if (result.steps > 0) this.logger.info({ steps: result.steps }, 'key lifecycle advanced');
        return result;
      })
      .catch((error: unknown) => {
        this.ticks.inc({ outcome: 'failed' });
        this.logger.error({ err: error }, 'rotation tick failed; it will be retried');
        return null;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped || this.options.schedulerIntervalMs <= 0) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => this.schedule());
    }, this.options.schedulerIntervalMs);
    this.timer.unref();
  }
}
