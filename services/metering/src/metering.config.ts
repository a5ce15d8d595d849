import { ConfigError } from '@gatehouse/config';
import { z } from 'zod';

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as milliseconds (`90000`) or with a unit (`90s`, `15m`, `1h`, `2d`). */
export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context) => {
      const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
      if (!match) {
        context.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 15m, 1h or 2d' });
        return z.NEVER;
      }
      return Number(match[1]) * units[match[2] ?? 'ms']!;
    });

const integer = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Variables of the metering service, on top of the platform's base configuration. */
export const meteringConfigSchema = {
  ADMIN_BOOTSTRAP_TOKEN: z.string().min(1).optional().describe('Bootstrap platform-admin credential; required outside development'),
  TOKEN_ISSUER: z.string().url().default('http://localhost:8081').describe('Issuer of admin (member) tokens'),
  METERING_CONSUMER_GROUP: z.string().min(1).max(200).optional().describe('Consumer group of the usage ingest; default `${KAFKA_TOPIC_PREFIX}gatehouse-metering`'),
  METERING_MAX_LATENESS: duration('1h').describe('Records up to this late land in their own window; later ones in the window they arrive in'),
  METERING_LEDGER_RETENTION_DAYS: integer(35, 9, 3660).describe('Days of raw ledger kept (daily partitions); at least the usage topic retention plus lateness'),
  METERING_MINUTE_ROLLUP_RETENTION_DAYS: integer(14, 1, 3660).describe('Days of minute rollups kept (daily partitions)'),
  METERING_HOUR_ROLLUP_RETENTION_DAYS: integer(400, 1, 36600).describe('Days of hour rollups kept (batched deletes); day rollups are kept'),
  METERING_RETENTION_DELETE_BATCH: integer(10_000, 1, 1_000_000).describe('Rows per delete statement when hour rollups and quota counters past their retention are removed'),
  METERING_FETCH_MAX_BYTES_PER_PARTITION: integer(4 * 1024 * 1024, 16 * 1024, 64 * 1024 * 1024).describe('Largest fetch per partition (a transaction takes at most 20 000 records)'),
  METERING_PARTITIONS_CONCURRENCY: integer(6, 1, 64).describe('Partition batches handed to the ingest pipeline concurrently'),
  METERING_CONSUMER_SESSION_TIMEOUT_MS: integer(10_000, 6_000, 300_000).describe(
    'Consumer group session timeout: how long after a crash the group waits before handing the dead member\'s partitions on (heartbeats every tenth of it)',
  ),
  METERING_QUOTA_TICK_MS: integer(5_000, 0, 3_600_000).describe('Quota reconciliation interval (new periods, plan changes); 0 disables the timer'),
  METERING_MAINTENANCE_INTERVAL_MS: integer(600_000, 0, 86_400_000).describe('Partition and retention maintenance interval; 0 disables the timer'),
};

export type MeteringConfigShape = typeof meteringConfigSchema;

export interface MeteringSettings {
  consumerGroup: string;
  maxLatenessMs: number;
  ledgerRetentionDays: number;
  minuteRollupRetentionDays: number;
  hourRollupRetentionDays: number;
  retentionDeleteBatch: number;
  fetchMaxBytesPerPartition: number;
  partitionsConcurrency: number;
  sessionTimeoutMs: number;
  quotaTickMs: number;
  maintenanceIntervalMs: number;
}

/** Injection token of the MeteringSettings. */
export const METERING_SETTINGS = Symbol('METERING_SETTINGS');

export function meteringSettings(config: z.infer<z.ZodObject<MeteringConfigShape>> & { NODE_ENV: string; KAFKA_TOPIC_PREFIX: string }): MeteringSettings {
  const problems: string[] = [];
  if (config.NODE_ENV !== 'development' && !config.ADMIN_BOOTSTRAP_TOKEN) problems.push('ADMIN_BOOTSTRAP_TOKEN is required outside development');
  const latenessDays = config.METERING_MAX_LATENESS / 86_400_000;
  for (const name of ['METERING_LEDGER_RETENTION_DAYS', 'METERING_MINUTE_ROLLUP_RETENTION_DAYS', 'METERING_HOUR_ROLLUP_RETENTION_DAYS'] as const) {
    if (config[name] <= latenessDays) problems.push(`${name}: must be longer than METERING_MAX_LATENESS (${latenessDays.toFixed(2)} days)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    consumerGroup: config.METERING_CONSUMER_GROUP ?? `${config.KAFKA_TOPIC_PREFIX}gatehouse-metering`,
    maxLatenessMs: config.METERING_MAX_LATENESS,
    ledgerRetentionDays: config.METERING_LEDGER_RETENTION_DAYS,
    minuteRollupRetentionDays: config.METERING_MINUTE_ROLLUP_RETENTION_DAYS,
    hourRollupRetentionDays: config.METERING_HOUR_ROLLUP_RETENTION_DAYS,
    retentionDeleteBatch: config.METERING_RETENTION_DELETE_BATCH,
    fetchMaxBytesPerPartition: config.METERING_FETCH_MAX_BYTES_PER_PARTITION,
    partitionsConcurrency: config.METERING_PARTITIONS_CONCURRENCY,
    sessionTimeoutMs: config.METERING_CONSUMER_SESSION_TIMEOUT_MS,
    quotaTickMs: config.METERING_QUOTA_TICK_MS,
    maintenanceIntervalMs: config.METERING_MAINTENANCE_INTERVAL_MS,
  };
}
