import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { badRequest } from '@gatehouse/platform';
import type { UsageQuery } from './dto/usage-query.dto';
import { UsageAccess } from './usage-access';
import { UsageRepository } from './usage.repository';
import { toUsageRow, type UsageRow } from './usage-row';

/** Largest answer; a bigger one is refused with advice rather than cut silently. */
export const MAX_ROWS = 100_000;

export interface UsageAnswer {
  from: string;
  to: string;
  granularity: UsageQuery['granularity'];
  groupBy: UsageQuery['groupBy'];
  rows: UsageRow[];
}

@Injectable()
export class UsageQueryService {
  constructor(
    private readonly access: UsageAccess,
    private readonly usage: UsageRepository,
  ) {}

  async run(principal: AdminPrincipal, query: UsageQuery): Promise<UsageAnswer> {
    const scope = await this.access.scopeOf(principal, query);
    const empty = scope.kind === 'owned' && scope.applicationIds.length === 0 && scope.apiIds.length === 0;
    const raw = empty ? [] : await this.usage.query(query, scope, MAX_ROWS + 1);
    if (raw.length > MAX_ROWS) {
      throw badRequest(`the answer has more than ${MAX_ROWS} rows; narrow from/to, use a coarser granularity, fewer groupBy dimensions, filters or top`, { parameter: 'groupBy' });
    }
    return {
      from: new Date(query.from).toISOString(),
      to: new Date(query.to).toISOString(),
      granularity: query.granularity,
      groupBy: query.groupBy,
      rows: raw.map((row) => toUsageRow(row, query.groupBy)),
    };
  }
}
