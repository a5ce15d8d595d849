import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { schemaName } from '../database/schema-name';
import { LATENCY_BUCKETS } from '../rollups/latency-histogram';
import { rollupTables } from '../rollups/rollup-tables';
import type { OrderMeasure, UsageQuery } from './dto/usage-query.dto';
import { dimensionColumns, type RawUsageRow } from './usage-row';

/** Which rollup rows a caller may read. */
export type UsageScope = { kind: 'all'; tenant: string | null } | { kind: 'owned'; applicationIds: readonly string[]; apiIds: readonly string[] };

const orderExpressions: Readonly<Record<OrderMeasure, string>> = {
  requests: 'sum("requests")',
  errors: 'sum("errors")',
  rejections: 'sum("rejections")',
  bytes: 'sum("bytes_in" + "bytes_out")',
  tokens: 'sum("prompt_tokens" + "completion_tokens")',
  cost: 'sum("cost_micros")',
};

const sums = ['requests', 'errors', 'rejections', 'late_records', 'bytes_in', 'bytes_out', 'latency_sum_ms', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cost_micros', 'unpriced_records'];

/** Reads rollups: the table of the granularity, filtered, grouped and optionally ranked. */
@Injectable()
export class UsageRepository {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    this.schema = schemaName(dataSource);
  }

  /** At most `limit` rows; the caller detects an answer that was cut. */
  async query(query: UsageQuery, scope: UsageScope, limit: number): Promise<RawUsageRow[]> {
    const parameters: unknown[] = [new Date(query.from).toISOString(), new Date(query.to).toISOString()];
    const bind = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    const where = ['"bucket" >= $1', '"bucket" < $2'];
    if (scope.kind === 'all' && scope.tenant !== null) where.push(`"tenant_id" = ${bind(scope.tenant)}`);
    if (scope.kind === 'owned') where.push(`("application_id" = any(${bind(scope.applicationIds)}::text[]) or "api_id" = any(${bind(scope.apiIds)}::text[]))`);
    const { filters } = query;
    if (filters.applicationId !== undefined) where.push(`"application_id" = ${bind(filters.applicationId)}`);
    if (filters.apiId !== undefined) where.push(`"api_id" = ${bind(filters.apiId)}`);
    if (filters.routeId !== undefined) where.push(`"route_id" = ${bind(filters.routeId)}`);
    if (filters.model !== undefined) where.push(`"model" = ${bind(filters.model)}`);
    if (filters.statusClass !== undefined) where.push(`"status_class" = ${bind(filters.statusClass)}`);

    const table = `"${this.schema}"."${rollupTables[query.granularity]}"`;
    const groups = query.groupBy.map((dimension) => `"${dimensionColumns[dimension]}"`);
    const filter = where.join(' and ');
    let ranked = '';
    if (query.top !== null && groups.length > 0) {
      ranked = ` and (${groups.join(', ')}) in (
        select ${groups.join(', ')} from ${table} where ${filter}
         group by ${groups.join(', ')} order by ${orderExpressions[query.orderBy]} desc, ${groups.join(', ')} limit ${bind(query.top)})`;
    }
    // Separate columns parse faster than an array on the way back.
    const histogram = Array.from({ length: LATENCY_BUCKETS }, (_, index) => `sum("latency_hist"[${index + 1}])::float8 as "h${index}"`).join(', ');
    const sql = `select "bucket"${groups.map((group) => `, ${group}`).join('')},
        ${sums.map((column) => `sum("${column}")::float8 as "${column}"`).join(', ')},
        max("latency_max_ms") as "latency_max_ms", ${histogram}
      from ${table}
      where ${filter}${ranked}
      group by "bucket"${groups.map((group) => `, ${group}`).join('')}
      order by "bucket"${groups.map((group) => `, ${group}`).join('')}
      limit ${bind(limit)}`;
    const rows = await this.dataSource.transaction(async (manager) => {
      // Sorting and grouping a long range of wide rollup rows stays in memory.
      await manager.query(`set local work_mem = '64MB'`);
      return (await manager.query(sql, parameters)) as Array<RawUsageRow & Record<string, number>>;
    });
    for (const row of rows) row.latency_hist = Array.from({ length: LATENCY_BUCKETS }, (_, index) => row[`h${index}`]!);
    return rows;
  }
}
