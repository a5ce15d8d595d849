import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@gatehouse/platform';
import type { Logger } from '@gatehouse/observability';
import { DataSource } from 'typeorm';
import { schemaName } from '../database/schema-name';
import { addDays, type DailyTable, dailyTables, dayOfPartition, partitionBounds, partitionName } from './partition-names';

/**
 * Creates and drops the daily partitions of the ledger and of the minute rollups. Creation is
 * serialized across replicas by an advisory lock; a drop waits at most a few seconds for
 * ingest transactions, else it is retried at the next maintenance run.
 */
@Injectable()
export class PartitionManager {
  private readonly schema: string;
  private readonly known = new Map<DailyTable, Set<string>>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.schema = schemaName(dataSource);
  }

  /** Makes sure the partitions of `days` exist; cheap when they are already known. */
  async ensure(table: DailyTable, days: Iterable<string>): Promise<void> {
    const known = await this.knownDays(table);
    const missing = [...new Set(days)].filter((day) => !known.has(day)).sort();
    if (missing.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock(hashtext($1))', [`gatehouse:metering:partitions:${this.schema}`]);
      for (const day of missing) {
        const [from, to] = partitionBounds(table, day);
        const storage = table === 'usage_rollup_minute' ? ' with (fillfactor = 80)' : '';
        await manager.query(
          `create table if not exists "${this.schema}"."${partitionName(table, day)}" partition of "${this.schema}"."${table}" for values from ('${from}') to ('${to}')${storage}`,
        );
      }
    });
    for (const day of missing) known.add(day);
  }

  /** Days (YYYY-MM-DD) that have a partition, read from the catalog. */
  async listDays(table: DailyTable): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `select child.relname as name from pg_inherits
         join pg_class parent on parent.oid = pg_inherits.inhparent
         join pg_class child on child.oid = pg_inherits.inhrelid
         join pg_namespace ns on ns.oid = parent.relnamespace
        where ns.nspname = $1 and parent.relname = $2`,
      [this.schema, table],
    )) as Array<{ name: string }>;
    return rows.map((row) => dayOfPartition(table, row.name)).filter((day): day is string => day !== null).sort();
  }

  /** Drops partitions of days before `oldestKept`. Returns the days dropped. */
  async dropBefore(table: DailyTable, oldestKept: string): Promise<string[]> {
    const dropped: string[] = [];
    for (const day of await this.listDays(table)) {
      if (day >= oldestKept) continue;
      try {
        await this.dataSource.transaction(async (manager) => {
          await manager.query(`set local lock_timeout = '3s'`);
          await manager.query(`drop table "${this.schema}"."${partitionName(table, day)}"`);
        });
        dropped.push(day);
        this.known.get(table)?.delete(day);
      } catch (error) {
        this.logger.warn({ err: error, table, day }, 'could not drop an expired partition; retrying at the next maintenance run');
      }
    }
    return dropped;
  }

  /** Ensures the partitions from `today` to `today + aheadDays`. */
  async prepareAhead(today: string, aheadDays: number): Promise<void> {
    const days = Array.from({ length: aheadDays + 1 }, (_, index) => addDays(today, index));
    for (const table of Object.keys(dailyTables) as DailyTable[]) await this.ensure(table, days);
  }

  private async knownDays(table: DailyTable): Promise<Set<string>> {
    let known = this.known.get(table);
    if (!known) {
      known = new Set(await this.listDays(table));
      this.known.set(table, known);
    }
    return known;
  }
}
