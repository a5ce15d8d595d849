import { Inject, Injectable } from '@nestjs/common';
import { METRICS } from '@gatehouse/platform';
import { Gauge, type Registry } from 'prom-client';
import { KeySetsRepository } from '../key-sets/key-sets.repository';

const seconds = (date: Date) => date.getTime() / 1000;

/**
 * Key ages and the next rotation, read from the tables at each scrape (so every replica
 * reports the same values, whichever holds the scheduler lock): when each set's active key
 * became active, and when its pending key is due to. A set whose first key is still pending
 * has no active-key series yet. An unreachable database leaves the last values.
 */
@Injectable()
export class KeyScheduleMetrics {
  private readonly activated: Gauge<'key_set' | 'purpose' | 'alg'>;
  private readonly nextRotation: Gauge<'key_set' | 'purpose'>;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly keys: KeySetsRepository,
    @Inject(METRICS) registry: Registry,
  ) {
    // The registry collects its metrics concurrently: both gauges wait for the same read.
    const refresh = () => this.refresh();
    this.activated = new Gauge({
      name: 'gatehouse_keys_active_key_activated_timestamp_seconds',
      help: "When each key set's active key became active (Unix seconds); time() minus it is the key's age.",
      labelNames: ['key_set', 'purpose', 'alg'],
      registers: [registry],
      collect: refresh,
    });
    this.nextRotation = new Gauge({
      name: 'gatehouse_keys_next_rotation_timestamp_seconds',
      help: "When each key set's pending key is due to become active (Unix seconds).",
      labelNames: ['key_set', 'purpose'],
      registers: [registry],
      collect: refresh,
    });
  }

  /** Reads the schedule once for all gauges collected together. */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    let sets, scheduled;
    try {
      [sets, scheduled] = await Promise.all([this.keys.listSets(), this.keys.scheduledKeys()]);
    } catch {
      return;
    }
    const purposeOf = new Map(sets.map((set) => [set.id, set.purpose]));
    this.activated.reset();
    this.nextRotation.reset();
    for (const key of scheduled) {
      const purpose = purposeOf.get(key.keySetId);
      if (!purpose) continue;
      if (key.state === 'active') this.activated.set({ key_set: key.keySetId, purpose, alg: key.alg }, seconds(key.activatesAt));
      else this.nextRotation.set({ key_set: key.keySetId, purpose }, seconds(key.activatesAt));
    }
  }
}
