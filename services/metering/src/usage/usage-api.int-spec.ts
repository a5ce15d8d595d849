import { ApiStateV1, ApplicationStateV1, type EventData } from '@gatehouse/contracts';
import { eventually } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeteringTestApp, MeteringTestEnv } from '../testing/metering-test-env';
import { aiUsage, usageRecord } from '../testing/usage-record.factory';
import { floorTo } from '../time/period';

const application = (applicationId: string, tenantId: string, teamId: string): EventData<typeof ApplicationStateV1> => ({
  applicationId,
  tenantId,
  teamId,
  name: applicationId,
  status: 'active',
  requireEncryptedTokens: false,
  allowedScopes: [],
  updatedAt: new Date().toISOString(),
});

const api = (apiId: string, tenantId: string, teamId: string): EventData<typeof ApiStateV1> => ({
  apiId,
  tenantId,
  teamId,
  name: apiId,
  audience: `https://${apiId}.test`,
  visibility: 'tenant',
  requireEncryptedTokens: false,
  scopes: [],
  updatedAt: new Date().toISOString(),
});

describe('usage API', () => {
  const env = new MeteringTestEnv('usage_api');
  let app: MeteringTestApp;
  const tokens: Record<string, string> = {};
  // Every record within one hour (so one hour and one day window), whatever the time of day.
  const anchor = floorTo(Date.now(), 'hour') - 3_600_000;
  const from = encodeURIComponent(new Date(anchor).toISOString());
  const requestsBy = (rows: Array<Record<string, unknown>>, field: string) => {
    const totals: Record<string, number> = {};
    for (const row of rows) totals[String(row[field])] = (totals[String(row[field])] ?? 0) + (row.requests as number);
    return totals;
  };

  beforeAll(async () => {
    await env.prepareTopics();
    app = await env.start();
    await env.publishState(ApplicationStateV1, application('app-mobile', 'acme', 'team-apps'));
    await env.publishState(ApplicationStateV1, application('app-batch', 'acme', 'team-other'));
    await env.publishState(ApplicationStateV1, application('app-globex', 'globex', 'team-globex'));
    await env.publishState(ApiStateV1, api('api-orders', 'acme', 'team-api'));
    await env.publishState(ApiStateV1, api('api-globex', 'globex', 'team-globex'));
    const at = (minutes: number) => new Date(anchor + (5 + minutes) * 60_000).toISOString();
    await env.produceUsage(
      [
        ...Array.from({ length: 6 }, (_, index) => usageRecord({ tenantId: 'acme', applicationId: 'app-mobile', apiId: 'api-orders', at: at(index), latencyMs: 10 + index })),
        ...Array.from({ length: 3 }, (_, index) => usageRecord({ tenantId: 'acme', applicationId: 'app-batch', apiId: 'api-orders', at: at(index), status: 503, ai: aiUsage({ model: 'gpt-4o', costMicros: 1_000 }) })),
        ...Array.from({ length: 4 }, (_, index) => usageRecord({ tenantId: 'globex', applicationId: 'app-globex', apiId: 'api-globex', at: at(index) })),
      ].map((record) => env.encode(record)),
    );
    await env.waitForIngest();
    await eventually(async () => (await env.sql('select 1 from $schema.applications')).length === 3 && (await env.sql('select 1 from $schema.apis')).length === 2, 'the directory');
    tokens.appTeam = await env.memberToken('acme', [{ id: 'team-apps', role: 'viewer' }]);
    tokens.apiTeam = await env.memberToken('acme', [{ id: 'team-api', role: 'developer' }]);
    tokens.globex = await env.memberToken('globex', [{ id: 'team-globex', role: 'owner' }]);
    await eventually(async () => (await app.get(`/usage?from=${from}`, tokens.appTeam!)).status === 200, 'the signing key to reach the verifier');
  });
  afterAll(async () => {
    await env.cleanup();
  });

  describe('bad input answers 400 naming the parameter', () => {
    const cases: Array<[string, string]> = [
      ['', 'from: is required (ISO 8601 date or date-time)'],
      ['from=last-week', "from: must be an ISO 8601 date (2026-03-14) or date-time with offset (2026-03-14T15:00:00Z), got 'last-week'"],
      ['from=2026-03-14&to=2026-03-13', 'to: must be after from (2026-03-14T00:00:00.000Z)'],
      ['from=2026-03-14&granularity=fortnight', "granularity: must be one of minute, hour, day, got 'fortnight'"],
      ['from=2026-01-01&to=2026-02-01&granularity=minute', 'granularity: minute windows from 2026-01-01T00:00:00.000Z to 2026-02-01T00:00:00.000Z are 44640 buckets, more than 10080; choose a coarser granularity or a shorter range'],
      ['from=2026-03-14&groupBy=application,planet', "groupBy: unknown dimension 'planet'; allowed: tenant, application, api, route, status_class, model"],
      ['from=2026-03-14&top=5', 'top: ranks groups, so it needs groupBy'],
      ['from=2026-03-14&statusClass=2XX0', "statusClass: must be one of 1xx, 2xx, 3xx, 4xx, 5xx, got '2XX0'"],
      ['from=2026-03-14&format=xlsx', "format: must be one of json, csv, got 'xlsx'"],
    ];
    it.each(cases)('%s', async (query, message) => {
      const answer = await app.get(`/usage?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'invalid_request', message });
      expect(answer.body.errorId).toEqual(expect.any(String));
    });
  });

  it('refuses a call without a valid token', async () => {
    expect((await app.get(`/usage?from=${from}`, null)).status).toBe(401);
    expect((await app.get(`/usage?from=${from}`, 'not-a-token')).status).toBe(401);
  });

  it('shows a platform admin every tenant, or the one it names', async () => {
    const all = await app.get(`/usage?from=${from}&groupBy=tenant`);
    expect(requestsBy(all.body.rows, 'tenantId')).toEqual({ acme: 9, globex: 4 });
    const globex = await app.get(`/usage?from=${from}&groupBy=application&tenant=globex`);
    expect(requestsBy(globex.body.rows, 'applicationId')).toEqual({ 'app-globex': 4 });
  });

  it("shows an application's team the usage of its applications only", async () => {
    const answer = await app.get(`/usage?from=${from}&granularity=day&groupBy=application,api`, tokens.appTeam!);
    expect(answer.status).toBe(200);
    expect(requestsBy(answer.body.rows, 'applicationId')).toEqual({ 'app-mobile': 6 });
  });

  it("shows an API's team the usage of its API, by consuming application", async () => {
    const answer = await app.get(`/usage?from=${from}&granularity=hour&groupBy=application`, tokens.apiTeam!);
    expect(requestsBy(answer.body.rows, 'applicationId')).toEqual({ 'app-mobile': 6, 'app-batch': 3 });
    const errors = await app.get(`/usage?from=${from}&granularity=day&groupBy=model&statusClass=5xx&apiId=api-orders`, tokens.apiTeam!);
    expect(errors.body.rows).toHaveLength(1);
    expect(errors.body.rows[0]).toMatchObject({ model: 'gpt-4o', requests: 3, errors: 3, costMicros: 3_000 });
  });

  it('answers 404 for applications, APIs and tenants of another tenant', async () => {
    for (const query of ['applicationId=app-mobile', 'apiId=api-orders', 'tenant=acme', 'applicationId=app-unknown']) {
      const answer = await app.get(`/usage?from=${from}&${query}`, tokens.globex!);
      expect(answer.status, query).toBe(404);
      expect(answer.body.error).toBe('not_found');
    }
    const own = await app.get(`/usage?from=${from}&groupBy=application`, tokens.globex!);
    expect(requestsBy(own.body.rows, 'applicationId')).toEqual({ 'app-globex': 4 });
  });

  it('computes latency percentiles, keeps the top groups and exports CSV', async () => {
    const mobile = await app.get(`/usage?from=${from}&granularity=day&applicationId=app-mobile`, tokens.appTeam!);
    expect(mobile.body.rows).toHaveLength(1);
    expect(mobile.body.rows[0]).toMatchObject({ requests: 6, latencyAvgMs: 12.5, latencyMaxMs: 15 });
    expect(mobile.body.rows[0].latencyP50Ms).toBeGreaterThanOrEqual(10);
    expect(mobile.body.rows[0].latencyP99Ms).toBeLessThanOrEqual(15);

    const top = await app.get(`/usage?from=${from}&granularity=day&groupBy=application&top=1`);
    expect(requestsBy(top.body.rows, 'applicationId')).toEqual({ 'app-mobile': 6 });
    const topCost = await app.get(`/usage?from=${from}&granularity=day&groupBy=application&top=1&orderBy=cost`);
    expect(requestsBy(topCost.body.rows, 'applicationId')).toEqual({ 'app-batch': 3 });

    const csv = await app.get(`/usage?from=${from}&granularity=day&groupBy=application&tenant=acme&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]!.startsWith('bucket,applicationId,requests,errors,')).toBe(true);
    expect(lines.slice(1).map((line) => line.split(',').slice(1, 3).join(',')).sort()).toEqual(['app-batch,3', 'app-mobile,6']);
  });
});
