import { Client } from 'pg';
import { AdminClient } from './admin-client';

export interface Settled {
  /** Requests metering's query API counts in all, or null when it did not answer. */
  readonly total: number | null;
  /** From the start of the wait until the total stopped moving inside the expected range. */
  readonly ms: number;
  readonly reachedExpected: boolean;
}

/**
 * Metering's view of the run: the request total through its query API (the rollups), and,
 * to explain any difference, which of the client's record ids are missing from its ledger.
 */
export class UsageCheck {
  private readonly metering: AdminClient;

  constructor(
    meteringUrl: string,
    adminToken: string,
    private readonly databaseUrl: string,
    private readonly fromDay: string,
  ) {
    this.metering = new AdminClient(meteringUrl, adminToken);
  }

  /** Sum of `requests` over every day window since the run began. */
  async total(): Promise<number | null> {
    try {
      const answer = await this.metering.get<{ rows: Array<{ requests: number }> }>(`/usage?from=${this.fromDay}&granularity=day`);
      return answer.rows.reduce((sum, row) => sum + Number(row.requests), 0);
    } catch {
      return null;
    }
  }

  /**
   * Polls until the total reaches `expected` and then holds still for `quietMs` (so a late
   * duplicate would show), or until `timeoutMs`.
   */
  async settle(expected: number, timeoutMs: number, quietMs = 3_000): Promise<Settled> {
    const started = Date.now();
    let last: number | null = null;
    let since = started;
    for (;;) {
      const total = await this.total();
      if (total !== last) {
        last = total;
        since = Date.now();
      }
      const reached = total !== null && total >= expected;
      if (reached && Date.now() - since >= quietMs) return { total, ms: since - started, reachedExpected: true };
      if (Date.now() - started > timeoutMs) return { total, ms: Date.now() - started, reachedExpected: reached };
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Record ids of `ids` absent from metering's ledger, and the ledger's row count (diagnosis only). */
  async ledger(ids: readonly string[]): Promise<{ missing: string[]; rows: number } | { error: string }> {
    const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      const missing = await client.query<{ id: string }>(
        'select id::text from unnest($1::uuid[]) as wanted(id) where not exists (select 1 from metering.usage_ledger l where l.record_id = wanted.id)',
        [ids],
      );
      const rows = await client.query<{ count: string }>('select count(*) from metering.usage_ledger');
      return { missing: missing.rows.map((row) => row.id), rows: Number(rows.rows[0]!.count) };
    } catch (error) {
      return { error: (error as Error).message };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
