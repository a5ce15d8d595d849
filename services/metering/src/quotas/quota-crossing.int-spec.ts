import { type EventData, PlanStateV1, QuotaChangedV1, QuotaStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { type CollectedMessage, eventually, TopicCollector } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock';
import { type MeteringTestApp, MeteringTestEnv } from '../testing/metering-test-env';
import { aiUsage, usageRecord } from '../testing/usage-record.factory';
import { DAY_MS, floorTo, quotaPeriodOf } from '../time/period';
import { QuotaReconciler } from './quota-reconciler';

type QuotaState = EventData<typeof QuotaStateV1>;
type QuotaChanged = EventData<typeof QuotaChangedV1>;

const plan = (quotas: EventData<typeof PlanStateV1>['quotas'], overrides: Partial<EventData<typeof PlanStateV1>> = {}): EventData<typeof PlanStateV1> => ({
  planId: 'plan-gold',
  tenantId: 'acme',
  apiId: 'api-1',
  name: 'Gold',
  rateLimit: null,
  quotas,
  currency: null,
  updatedAt: new Date().toISOString(),
  ...overrides,
});

const subscription = (status: EventData<typeof SubscriptionStateV1>['status'], overrides: Partial<EventData<typeof SubscriptionStateV1>> = {}): EventData<typeof SubscriptionStateV1> => ({
  subscriptionId: 'sub-1',
  tenantId: 'acme',
  applicationTenantId: 'acme',
  apiId: 'api-1',
  audience: 'https://api.acme.test',
  applicationId: 'app-1',
  planId: 'plan-gold',
  status,
  scopes: [],
  updatedAt: new Date().toISOString(),
  ...overrides,
});

describe('quotas from catalog plans', () => {
  const env = new MeteringTestEnv('quota');
  const clock = new ManualClock();
  let app: MeteringTestApp;
  let collector: TopicCollector;
  const data = <T>(record: CollectedMessage) => (record.value === null ? null : (JSON.parse(record.value).data as T));
  const states = () => collector.on(env.topic(QuotaStateV1.topic));
  const changes = () => collector.on(env.topic(QuotaChangedV1.topic)).map((record) => data<QuotaChanged>(record)!);
  const calls = (count: number, overrides: Parameters<typeof usageRecord>[0] = {}) =>
    Array.from({ length: count }, () => env.encode(usageRecord({ subscriptionId: 'sub-1', planId: 'plan-gold', applicationId: 'app-1', apiId: 'api-1', at: clock.now().toISOString(), ...overrides })));

  beforeAll(async () => {
    await env.prepareTopics();
    collector = new TopicCollector(env.kafka, [env.topic(QuotaStateV1.topic), env.topic(QuotaChangedV1.topic)], { maxWaitTimeMs: 20 });
    await collector.start();
    app = await env.start({ clock });
    await env.publishState(PlanStateV1, plan([{ metric: 'requests', limit: 50, period: 'day', warnAt: 0.8 }]));
    await env.publishState(SubscriptionStateV1, subscription('approved'));
    await eventually(async () => (await env.sql('select 1 from $schema.subscriptions s join $schema.plans p using (plan_id)')).length === 1, 'the plan and subscription in the local tables');
  });
  afterAll(async () => {
    await collector.stop();
    await env.cleanup();
  });

  it('warns at 80% of the limit', async () => {
    await env.produceUsage([...calls(39), ...calls(5, { rejection: 'rate_limited', status: 429 })]);
    await env.waitForIngest();
    expect(states()).toHaveLength(0);
    await env.produceUsage(calls(1));
    const warning = await eventually(() => states().map((record) => data<QuotaState>(record)).find((state) => state?.status === 'warning'), 'a warning state');
    const periodStart = floorTo(clock.now().getTime(), 'day');
    expect(warning).toMatchObject({
      quotaKey: 'sub-1:requests:day',
      tenantId: 'acme',
      applicationId: 'app-1',
      apiId: 'api-1',
      subscriptionId: 'sub-1',
      planId: 'plan-gold',
      metric: 'requests',
      period: 'day',
      periodStart: new Date(periodStart).toISOString(),
      periodEnd: new Date(periodStart + DAY_MS).toISOString(),
      limit: 50,
      used: 40,
    });
    expect(changes().map((change) => change.change)).toEqual(['warning']);
  });

  it('publishes the crossing of the limit on the quota topic as it happens', async () => {
    await env.produceUsage(calls(9));
    await env.waitForIngest();
    expect(states()).toHaveLength(1);
    const sent = performance.now();
    await env.produceUsage(calls(1));
    const exceeded = await eventually(() => states().find((record) => data<QuotaState>(record)?.status === 'exceeded'), 'an exceeded state', 15_000, 5);
    const delay = exceeded.receivedAt - sent;
    console.log(`quota crossing visible on the quota topic ${Math.round(delay)} ms after the 50th record was produced`);
    expect(data<QuotaState>(exceeded)).toMatchObject({ status: 'exceeded', used: 50, limit: 50 });
    expect(exceeded.key).toBe('sub-1:requests:day');
    await eventually(() => changes().some((change) => change.change === 'exceeded'), 'the exceeded change event');
  });

  it('opens a new period with an ok state and a reset', async () => {
    clock.advance(DAY_MS);
    const outcome = await app.service(QuotaReconciler).reconcile();
    expect(outcome).toEqual({ published: 1, withdrawn: 0 });
    const reset = await eventually(() => states().map((record) => data<QuotaState>(record)).find((state) => state?.status === 'ok'), 'an ok state for the new period');
    expect(reset).toMatchObject({ used: 0, periodStart: new Date(floorTo(clock.now().getTime(), 'day')).toISOString() });
    await eventually(() => changes().some((change) => change.change === 'reset'), 'the reset change event');
    expect(await app.service(QuotaReconciler).reconcile()).toEqual({ published: 0, withdrawn: 0 });
  });

  it('follows a raised limit and withdraws the quota of a revoked subscription', async () => {
    await env.publishState(PlanStateV1, plan([{ metric: 'requests', limit: 500, period: 'day', warnAt: null }, { metric: 'tokens', limit: 1_000, period: 'month', warnAt: null }]));
    await eventually(async () => (await env.sql<{ n: number }>(`select jsonb_array_length(quotas) as n from $schema.plans`))[0]?.n === 2, 'the new plan');
    expect(await app.service(QuotaReconciler).reconcile()).toEqual({ published: 2, withdrawn: 0 });
    await eventually(() => states().some((record) => record.key === 'sub-1:tokens:month'), 'the tokens quota state');

    await env.publishState(SubscriptionStateV1, subscription('revoked'));
    await eventually(async () => (await env.sql(`select 1 from $schema.subscriptions where status = 'revoked'`)).length === 1, 'the revocation');
    expect(await app.service(QuotaReconciler).reconcile()).toEqual({ published: 0, withdrawn: 2 });
    await eventually(() => states().filter((record) => record.value === null).length === 2, 'two tombstones');
  });

  it('enforces a monthly token quota and a daily cost budget from AI usage records', async () => {
    const ai = { subscriptionId: 'sub-ai', planId: 'plan-ai', applicationId: 'app-2' };
    await env.publishState(
      PlanStateV1,
      plan(
        [
          { metric: 'tokens', limit: 1_000, period: 'month', warnAt: null },
          { metric: 'cost', limit: 5_000, period: 'day', warnAt: 0.5 },
        ],
        { planId: 'plan-ai', currency: 'USD' },
      ),
    );
    await env.publishState(SubscriptionStateV1, subscription('approved', { subscriptionId: 'sub-ai', planId: 'plan-ai', applicationId: 'app-2' }));
    await eventually(async () => (await env.sql(`select 1 from $schema.subscriptions s join $schema.plans p using (plan_id) where s.subscription_id = 'sub-ai'`)).length === 1, 'the AI plan and subscription');
    const stateOf = (key: string, status: QuotaState['status']) => states().map((record) => data<QuotaState>(record)).find((state) => state?.quotaKey === key && state.status === status);
    // Tokens count prompt + completion (150, cached ones not again); cost counts the plan's currency only.
    const usd = (count: number, costMicros: number) => calls(count, { ...ai, ai: aiUsage({ promptTokens: 100, completionTokens: 50, cachedTokens: 20, costMicros, currency: 'USD' }) });
    const eur = calls(1, { ...ai, ai: aiUsage({ promptTokens: 10, completionTokens: 0, cachedTokens: 0, costMicros: 9_000, currency: 'EUR' }) });

    await env.produceUsage([...usd(4, 1_000), ...eur]);
    const warning = await eventually(() => stateOf('sub-ai:cost:day', 'warning'), 'a cost warning');
    expect(warning).toMatchObject({ metric: 'cost', period: 'day', limit: 5_000, used: 4_000, subscriptionId: 'sub-ai', planId: 'plan-ai', applicationId: 'app-2' });
    await env.waitForIngest();
    expect(states().some((record) => record.key === 'sub-ai:tokens:month')).toBe(false);

    await env.produceUsage(usd(3, 500));
    const tokens = await eventually(() => stateOf('sub-ai:tokens:month', 'exceeded'), 'the token quota exceeded');
    const monthStart = quotaPeriodOf(clock.now().getTime(), 'month').start;
    expect(tokens).toMatchObject({ metric: 'tokens', period: 'month', limit: 1_000, used: 7 * 150 + 10, periodStart: new Date(monthStart).toISOString() });
    const cost = await eventually(() => stateOf('sub-ai:cost:day', 'exceeded'), 'the cost budget exceeded');
    expect(cost).toMatchObject({ metric: 'cost', period: 'day', limit: 5_000, used: 5_500, periodStart: new Date(floorTo(clock.now().getTime(), 'day')).toISOString() });
    await eventually(() => changes().filter((change) => change.subscriptionId === 'sub-ai' && change.change === 'exceeded').length === 2, 'two exceeded change events');
  });
});
