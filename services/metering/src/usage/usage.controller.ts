import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import type { Response } from 'express';
import { Clock } from '../clock/clock';
import { granularities } from '../time/period';
import { dimensions, formats, MAX_BUCKETS, MAX_TOP, orderMeasures, parseUsageQuery } from './dto/usage-query.dto';
import { type CsvDimensionField, usageCsv } from './usage-csv';
import { type UsageAnswer, UsageQueryService } from './usage-query.service';

const csvFields: Record<string, CsvDimensionField> = {
  tenant: 'tenantId',
  application: 'applicationId',
  api: 'apiId',
  route: 'routeId',
  status_class: 'statusClass',
  model: 'model',
};

@ApiTags('usage')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('usage')
export class UsageController {
  constructor(
    private readonly queries: UsageQueryService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Usage over a time range from the minute, hour or day rollups',
    description:
      'Rows per window and per combination of the groupBy dimensions, with requests, errors (status >= 500), rejections (refused by the gateway), ' +
      'late records, bytes, latency (avg, max, p50/p95/p99 from a fixed-bucket histogram), tokens and cost in micro-units. ' +
      'A platform admin sees every tenant (or the one named by `tenant`); anyone else the usage of their teams\' applications and APIs.',
  })
  @ApiQuery({ name: 'from', required: true, description: 'ISO 8601 date or date-time; floored to the granularity' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 date or date-time (exclusive, ceiled to the granularity); default now' })
  @ApiQuery({ name: 'granularity', required: false, enum: granularities, description: `Default hour; at most ${MAX_BUCKETS} windows per query` })
  @ApiQuery({ name: 'groupBy', required: false, description: `Comma-separated: ${dimensions.join(', ')}` })
  @ApiQuery({ name: 'applicationId', required: false })
  @ApiQuery({ name: 'apiId', required: false })
  @ApiQuery({ name: 'routeId', required: false })
  @ApiQuery({ name: 'model', required: false })
  @ApiQuery({ name: 'statusClass', required: false, enum: ['1xx', '2xx', '3xx', '4xx', '5xx'] })
  @ApiQuery({ name: 'top', required: false, description: `Keep the 1..${MAX_TOP} groups ranking highest by orderBy over the whole range (needs groupBy)` })
  @ApiQuery({ name: 'orderBy', required: false, enum: orderMeasures, description: 'Measure ranking the groups for top; default requests' })
  @ApiQuery({ name: 'format', required: false, enum: formats, description: 'json (default) or csv' })
  @ApiQuery({ name: 'tenant', required: false, description: 'Platform admins: restrict to one tenant' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '`{ from, to, granularity, groupBy, rows }`, or CSV with one line per row' })
  async usage(@Query() raw: Record<string, unknown>, @Principal() principal: AdminPrincipal, @Res({ passthrough: true }) response: Response): Promise<UsageAnswer | string> {
    const query = parseUsageQuery(raw, this.clock.now().getTime());
    const answer = await this.queries.run(principal, query);
    if (query.format === 'json') return answer;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="usage-${answer.granularity}-${answer.from.slice(0, 10)}.csv"`);
    return usageCsv(answer.rows, query.groupBy.map((dimension) => csvFields[dimension]!));
  }
}
