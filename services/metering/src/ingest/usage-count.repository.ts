import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { copyFromStdin, copyValue } from '../database/copy-from';
import { schemaName } from '../database/schema-name';
import { stagingCopyTarget, stagingTableStatement, usageCountStatement } from './usage-count.sql';
import { type CountedRecord, ledgerKey } from './usage-record';

/** One record as a line of COPY text, in the order of `ledgerColumns`. */
function copyLine({ record, atDay, late }: CountedRecord): string {
  const ai = record.ai;
  return [
    record.recordId,
    atDay,
    record.at,
    late,
    record.gatewayId,
    record.tenantId,
    record.applicationId,
    record.apiId,
    record.routeId,
    record.planId,
    record.subscriptionId,
    record.method,
    record.status,
    record.rejection,
    record.latencyMs,
    record.upstreamLatencyMs,
    record.bytesIn,
    record.bytesOut,
    ai?.provider,
    ai?.model,
    ai?.promptTokens,
    ai?.completionTokens,
    ai?.cachedTokens,
    ai?.costMicros,
    ai?.currency,
  ]
    .map(copyValue)
    .join('\t');
}

/**
 * Writes a batch: COPY into the session's staging table, then one statement moving it into the
 * ledger (deduplicated by record id and day) and adding the rows actually inserted to the
 * rollups and quota counters. See usageCountStatement.
 */
@Injectable()
export class UsageCountRepository {
  readonly statement: string;

  constructor(dataSource: DataSource) {
    this.statement = usageCountStatement(schemaName(dataSource));
  }

  /** The batch in COPY text format. */
  static payload(records: readonly CountedRecord[]): string {
    let text = '';
    for (const record of records) text += `${copyLine(record)}\n`;
    return text;
  }

  /** Copies the batch into the staging table of the transaction's connection. */
  async stage(manager: EntityManager, payload: string): Promise<void> {
    // Room for the statement's tuplestores and hash aggregates of a full batch to stay in memory.
    await manager.query(`set local work_mem = '32MB'; ${stagingTableStatement}`);
    const client = await (manager.queryRunner as PostgresQueryRunner).connect();
    await copyFromStdin(client, stagingCopyTarget, payload);
  }

  /**
   * Counts the records not counted before (in the caller's transaction; `records` must be
   * unique by ledger key). Returns the ledger keys of those that were counted before.
   */
  async count(manager: EntityManager, records: readonly CountedRecord[], ingestedAt: Date): Promise<Set<string>> {
    if (records.length === 0) return new Set();
    await this.stage(manager, UsageCountRepository.payload(records));
    const rows = (await manager.query(this.statement, [ingestedAt.toISOString()])) as Array<{ i: string; d: string }>;
    return new Set(rows.map((row) => ledgerKey(row.d, row.i)));
  }
}
