import { randomUUID } from 'node:crypto';
import { ApplicationStateV1, PlanStateV1, SubscriptionChangedV1, SubscriptionStateV1, TeamChangedV1, Topics } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, createVersion, expectStatus, UPSTREAM } from '../testing/catalog-builders';
import { CatalogHarness, eventually } from '../testing/catalog-harness';

type Envelope = { id: string; data: Record<string, any> };

describe('plans and subscriptions over HTTP, Postgres and Kafka', () => {
  let catalog: CatalogHarness;
  let ownerTeam: string;
  let consumerTeam: string;
  let owner: string;
  let consumer: string;
  let consumerDeveloper: string;

  const changes = (subscriptionId: string) => catalog.collector.ofType(SubscriptionChangedV1.type).filter((event) => event.data.subscriptionId === subscriptionId) as Envelope[];
  const states = (subscriptionId: string) => catalog.collector.ofType(SubscriptionStateV1.type).filter((event) => event.data.subscriptionId === subscriptionId) as Envelope[];
  const history = (subscriptionId: string) => changes(subscriptionId).map((event) => `${event.data.from}→${event.data.status}`).join(' ');

  /** A published API of the owner team with one plan on offer. */
  async function publishedApi(body: Record<string, unknown> = {}, token = owner, teamId = ownerTeam): Promise<{ apiId: string; planId: string }> {
    const apiId = await createApi(catalog, token, { teamId, visibility: 'tenant', scopes: ['pets:read', 'pets:write'], ...body });
    const plan = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token, json: { name: 'gold', rateLimit: { requests: 100, per: 'second' } } }), 201);
    await createVersion(catalog, token, apiId, {});
    await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token }), 200);
    return { apiId, planId: plan.id };
  }

  beforeAll(async () => {
    catalog = await CatalogHarness.start('catalog-subscriptions');
    ownerTeam = await catalog.team('acme');
    consumerTeam = await catalog.team('acme');
    owner = await catalog.token({ tenant: 'acme', teams: { [ownerTeam]: 'admin' } });
    consumer = await catalog.token({ tenant: 'acme', teams: { [consumerTeam]: 'admin' } });
    consumerDeveloper = await catalog.token({ tenant: 'acme', teams: { [consumerTeam]: 'developer' } });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  describe('plans', () => {
    it('creates, changes and archives plans, publishing their full state and a tombstone', async () => {
      const apiId = await createApi(catalog, owner, { teamId: ownerTeam });
      const quotas = [
        { metric: 'requests', limit: 10_000, period: 'day', warnAt: 0.8 },
        { metric: 'tokens', limit: 2_000_000, period: 'month', warnAt: null },
        { metric: 'cost', limit: 50_000_000, period: 'month', warnAt: 0.9 },
      ];
      const gold = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: owner, json: { name: 'gold', rateLimit: { requests: 50, per: 'minute' }, quotas, currency: 'EUR' } }), 201);
      await eventually(() => catalog.collector.ofType(PlanStateV1.type).some((event) => event.data.planId === gold.id), 'plan state');
      expect(catalog.collector.ofType(PlanStateV1.type).find((event) => event.data.planId === gold.id)!.data).toEqual({
        planId: gold.id,
        tenantId: 'acme',
        apiId,
        name: 'gold',
        rateLimit: { requests: 50, per: 'minute' },
        quotas,
        currency: 'EUR',
        updatedAt: gold.updatedAt,
      });
      const duplicate = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: owner, json: { name: 'GOLD' } }), 409);
      expect(duplicate.message).toMatch(/already has a plan named GOLD/);
      const noCurrency = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: owner, json: { name: 'metered', quotas: [{ metric: 'cost', limit: 5, period: 'day', warnAt: null }] } }), 400);
      expect(noCurrency.message).toMatch(/currency: a cost quota needs a currency/);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: owner, json: { name: 'twice', quotas: [quotas[0], quotas[0]] } }), 400);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: owner, json: { name: 'bad', rateLimit: { requests: 5, per: 'hour' } } }), 400);

      const changed = await expectStatus(catalog.call('PATCH', `/apis/${apiId}/plans/${gold.id}`, { token: owner, json: { rateLimit: { requests: 5, per: 'second' } } }), 200);
      await eventually(() => catalog.collector.ofType(PlanStateV1.type).some((event) => event.data.planId === gold.id && (event.data.rateLimit as { per?: string } | null)?.per === 'second'), 'changed plan state');
      expect(changed.rateLimit).toEqual({ requests: 5, per: 'second' });
      await expectStatus(catalog.call('DELETE', `/apis/${apiId}/plans/${gold.id}`, { token: owner }), 204);
      await eventually(() => catalog.collector.tombstones(Topics.planState.name).includes(gold.id), 'plan tombstone');
      expect((await expectStatus(catalog.call('GET', `/apis/${apiId}/plans`, { token: owner }), 200)).items).toEqual([]);
      await expectStatus(catalog.call('PATCH', `/apis/${apiId}/plans/${gold.id}`, { token: owner, json: { name: 'again' } }), 404);
    });
  });

  describe('subscription lifecycle', () => {
    it('goes pending → approved → revoked, each change an event and a full state', async () => {
      const { apiId, planId } = await publishedApi();
      const app = await catalog.application('acme', consumerTeam);
      const created = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: app, planId, scopes: ['pets:read'] } }), 201);
      expect(created).toMatchObject({ status: 'pending', apiId, applicationId: app, planId, scopes: ['pets:read'], tenantId: 'acme', applicationTenantId: 'acme' });
      const approved = await expectStatus(catalog.call('POST', `/subscriptions/${created.id}/approve`, { token: owner }), 200);
      expect(approved).toMatchObject({ status: 'approved', decidedBy: expect.stringMatching(/^acme\//) });
      await expectStatus(catalog.call('POST', `/subscriptions/${created.id}/revoke`, { token: owner, json: { reason: 'abuse' } }), 200);

      await eventually(() => history(created.id) === 'null→pending pending→approved approved→revoked', 'three changes');
      await eventually(() => states(created.id).length === 3, 'three states');
      const api = await expectStatus(catalog.call('GET', `/apis/${apiId}`, { token: owner }), 200);
      expect(states(created.id).at(-1)!.data).toEqual({
        subscriptionId: created.id,
        tenantId: 'acme',
        applicationTenantId: 'acme',
        apiId,
        audience: api.audience,
        applicationId: app,
        planId,
        status: 'revoked',
        scopes: ['pets:read'],
        updatedAt: expect.any(String),
      });
      expect(changes(created.id).at(-1)!.data).toMatchObject({ from: 'approved', status: 'revoked', by: expect.stringMatching(/^acme\//) });
    });

    it('lets the owner reject and the subscriber cancel, each side only its own moves', async () => {
      const { apiId, planId } = await publishedApi();
      const app = await catalog.application('acme', consumerTeam);
      const first = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: app, planId } }), 201);
      expect(first.scopes).toEqual(['pets:read', 'pets:write']);
      await expectStatus(catalog.call('POST', `/subscriptions/${first.id}/approve`, { token: consumer }), 403);
      await expectStatus(catalog.call('POST', `/subscriptions/${first.id}/cancel`, { token: owner }), 403);
      const rejected = await expectStatus(catalog.call('POST', `/subscriptions/${first.id}/reject`, { token: owner, json: { reason: 'use the sandbox first' } }), 200);
      expect(rejected).toMatchObject({ status: 'rejected', reason: 'use the sandbox first' });
      const final = await expectStatus(catalog.call('POST', `/subscriptions/${first.id}/approve`, { token: owner }), 409);
      expect(final).toMatchObject({ error: 'invalid_transition', message: expect.stringMatching(/rejected is final/), details: { allowed: [] } });

      const second = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: app, planId } }), 201);
      await expectStatus(catalog.call('POST', `/subscriptions/${second.id}/approve`, { token: owner }), 200);
      const twice = await expectStatus(catalog.call('POST', `/subscriptions/${second.id}/approve`, { token: owner }), 409);
      expect(twice.details.allowed).toEqual(['revoke (owner)', 'cancel (subscriber)']);
      await expectStatus(catalog.call('POST', `/subscriptions/${second.id}/cancel`, { token: consumer }), 200);
      await eventually(() => history(second.id) === 'null→pending pending→approved approved→cancelled', 'cancelled history');
      expect(history(first.id)).toBe('null→pending pending→rejected');
    });

    it('approves at once when the API auto-approves', async () => {
      const { apiId, planId } = await publishedApi({ autoApprove: true });
      const app = await catalog.application('acme', consumerTeam);
      const subscription = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: app, planId } }), 201);
      expect(subscription).toMatchObject({ status: 'approved', decidedBy: 'auto-approve' });
      await eventually(() => history(subscription.id) === 'null→approved', 'one change');
    });
  });

  describe('refused subscriptions', () => {
    it('answers precise 4xx for unknown plans, duplicates and everything else, writing and emitting nothing', async () => {
      const { apiId, planId } = await publishedApi();
      const other = await publishedApi();
      const unpublished = await createApi(catalog, owner, { teamId: ownerTeam, visibility: 'tenant' });
      const idlePlan = await expectStatus(catalog.call('POST', `/apis/${unpublished}/plans`, { token: owner, json: { name: 'idle' } }), 201);
      const app = await catalog.application('acme', consumerTeam);
      const existing = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: app, planId } }), 201);
      const suspended = await catalog.application('acme', consumerTeam, { status: 'suspended' });
      const foreignTeam = await catalog.team('globex');
      const foreignApp = await catalog.application('globex', foreignTeam);
      const teamOnly = await publishedApi({ visibility: 'team' });
      const freshApp = await catalog.application('acme', consumerTeam);
      await eventually(() => changes(existing.id).length === 1, 'the existing subscription event');

      const before = await catalog.snapshot();
      const eventsBefore = catalog.collector.ofType(SubscriptionChangedV1.type).length;
      const subscribe = (api: string, json: Record<string, unknown>, token = consumer) => catalog.call('POST', `/apis/${api}/subscriptions`, { token, json });

      expect(await expectStatus(subscribe(apiId, { applicationId: freshApp, planId: randomUUID() }), 400)).toMatchObject({ error: 'unknown_plan', message: expect.stringMatching(/is not a plan of API/) });
      expect(await expectStatus(subscribe(apiId, { applicationId: freshApp, planId: other.planId }), 400)).toMatchObject({ error: 'unknown_plan' });
      expect(await expectStatus(subscribe(apiId, { applicationId: freshApp, planId: 'not-a-uuid' }), 400)).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/planId/) });
      expect(await expectStatus(subscribe(unpublished, { applicationId: freshApp, planId: idlePlan.id }), 409)).toMatchObject({ error: 'plan_not_on_offer' });
      expect(await expectStatus(subscribe(apiId, { applicationId: freshApp, planId, scopes: ['pets:delete'] }), 400)).toMatchObject({ error: 'unknown_scope' });
      expect(await expectStatus(subscribe(apiId, { applicationId: app, planId }), 409)).toMatchObject({
        error: 'duplicate_subscription',
        message: expect.stringContaining(`already has an active subscription (${existing.id}, pending)`),
        details: { subscriptionId: existing.id, status: 'pending' },
      });
      expect(await expectStatus(subscribe(apiId, { applicationId: 'app-unknown', planId }), 404)).toMatchObject({ message: 'application app-unknown not found' });
      await expectStatus(subscribe(apiId, { applicationId: foreignApp, planId }), 404);
      expect(await expectStatus(subscribe(apiId, { applicationId: freshApp, planId }, consumerDeveloper), 403)).toMatchObject({ message: expect.stringMatching(/needs the admin role/) });
      expect(await expectStatus(subscribe(apiId, { applicationId: suspended, planId }), 409)).toMatchObject({ error: 'application_suspended' });
      const bothTeams = await catalog.token({ tenant: 'acme', teams: { [ownerTeam]: 'admin', [consumerTeam]: 'admin' } });
      expect(await expectStatus(subscribe(teamOnly.apiId, { applicationId: freshApp, planId: teamOnly.planId }, bothTeams), 403)).toMatchObject({ message: expect.stringMatching(/visible to its own team only/) });

      expect(await catalog.snapshot()).toEqual(before);
      const accepted = await expectStatus(subscribe(apiId, { applicationId: freshApp, planId }), 201);
      await eventually(() => changes(accepted.id).length === 1, 'the accepted subscription event');
      expect(catalog.collector.ofType(SubscriptionChangedV1.type)).toHaveLength(eventsBefore + 1);
    });
  });

  describe('plans on offer', () => {
    it('subscribes only under the plans a published version offers, and refuses unknown plan ids with 400', async () => {
      const apiId = await createApi(catalog, owner, { teamId: ownerTeam, visibility: 'tenant' });
      const p1 = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: owner, json: { name: 'p1' } }), 201);
      const p2 = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: owner, json: { name: 'p2' } }), 201);
      const elsewhere = await publishedApi();
      const app = await catalog.application('acme', consumerTeam);
      const subscribe = (planId: string) => catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: app, planId } });

      const before = await catalog.snapshot();
      const unknown = randomUUID();
      const refusedCreate = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: owner, json: { version: 'v1', basePath: '/offers', upstream: UPSTREAM, routes: [{ path: '/x', methods: ['GET'] }], planIds: [p1.id, unknown, elsewhere.planId] } }), 400);
      expect(refusedCreate).toMatchObject({ error: 'unknown_plan', details: { unknownPlans: [unknown, elsewhere.planId] } });
      expect(refusedCreate.message).toContain(`plan(s) ${unknown}, ${elsewhere.planId} are not plans of API ${apiId}`);
      expect(await catalog.snapshot()).toEqual(before);

      await createVersion(catalog, owner, apiId, { planIds: [p1.id] });
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: owner }), 200);
      const published = await catalog.snapshot();
      const refusedPatch = await expectStatus(catalog.call('PATCH', `/apis/${apiId}/versions/v1`, { token: owner, json: { planIds: [p1.id, unknown] } }), 400);
      expect(refusedPatch).toMatchObject({ error: 'unknown_plan', details: { unknownPlans: [unknown] } });
      const notOffered = await expectStatus(subscribe(p2.id), 409);
      expect(notOffered).toMatchObject({ error: 'plan_not_on_offer', message: expect.stringMatching(/^plan p2 is not on offer: no published version/) });
      expect(await catalog.snapshot()).toEqual(published);

      const underP1 = await expectStatus(subscribe(p1.id), 201);
      expect(underP1).toMatchObject({ planId: p1.id, status: 'pending' });
      await expectStatus(catalog.call('POST', `/subscriptions/${underP1.id}/cancel`, { token: consumer }), 200);
      await expectStatus(catalog.call('PATCH', `/apis/${apiId}/versions/v1`, { token: owner, json: { planIds: [p1.id, p2.id] } }), 200);
      expect(await expectStatus(subscribe(p2.id), 201)).toMatchObject({ planId: p2.id, status: 'pending' });
    });
  });

  describe('applications and teams from identity', () => {
    it('cancels the open subscriptions of an application identity deleted', async () => {
      const { apiId, planId } = await publishedApi();
      const tombstoned = await catalog.application('acme', consumerTeam);
      const deleted = await catalog.application('acme', consumerTeam);
      const approved = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: tombstoned, planId } }), 201);
      await expectStatus(catalog.call('POST', `/subscriptions/${approved.id}/approve`, { token: owner }), 200);
      const pending = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: deleted, planId } }), 201);

      await catalog.tombstone(ApplicationStateV1, tombstoned);
      await catalog.application('acme', consumerTeam, { id: deleted, status: 'deleted' });
      await eventually(() => history(approved.id) === 'null→pending pending→approved approved→cancelled', 'tombstoned application cancelled');
      await eventually(() => history(pending.id) === 'null→pending pending→cancelled', 'deleted application cancelled');
      expect(changes(approved.id).at(-1)!.data.by).toBe('identity');
      const stored = await expectStatus(catalog.call('GET', `/subscriptions/${approved.id}`, { token: consumer }), 200);
      expect(stored).toMatchObject({ status: 'cancelled', reason: 'application deleted' });
      await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: deleted, planId } }), 404);
    });

    it('consumes identity events once and never lets an older state win', async () => {
      const teamId = `team-${randomUUID()}`;
      const first = await catalog.publish(TeamChangedV1, { teamId, tenantId: 'acme', name: 'platform', status: 'active', at: new Date().toISOString() });
      await catalog.send(TeamChangedV1, first);
      const stale = await catalog.publish(TeamChangedV1, { teamId, tenantId: 'acme', name: 'stale', status: 'deleted', at: new Date(Date.now() - 60_000).toISOString() });
      const processed = (eventId: string) => catalog.rows('select count(*)::int as n from processed_events where event_id = $1', [eventId]);
      await eventually(async () => (await processed(stale.envelope.id))[0]!.n === 1, 'the stale team event processed');
      expect(await catalog.rows('select name, status from teams where id = $1', [teamId])).toEqual([{ name: 'platform', status: 'active' }]);
      expect(await processed(first.envelope.id)).toEqual([{ n: 1 }]);

      const app = await catalog.application('acme', consumerTeam, { at: new Date() });
      const older = await catalog.publish(ApplicationStateV1, { applicationId: app, tenantId: 'acme', teamId: consumerTeam, name: app, status: 'suspended', requireEncryptedTokens: false, allowedScopes: [], updatedAt: new Date(Date.now() - 60_000).toISOString() });
      await eventually(async () => (await processed(older.envelope.id))[0]!.n === 1, 'the older application state processed');
      expect(await catalog.rows('select status from applications where id = $1', [app])).toEqual([{ status: 'active' }]);
    });
  });

  describe('public APIs across tenants', () => {
    it('lets another tenant subscribe to a public API, both sides seeing the subscription', async () => {
      const { apiId, planId } = await publishedApi({ visibility: 'public' });
      const globexTeam = await catalog.team('globex');
      const globex = await catalog.token({ tenant: 'globex', teams: { [globexTeam]: 'owner' } });
      const app = await catalog.application('globex', globexTeam);
      const subscription = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: globex, json: { applicationId: app, planId } }), 201);
      expect(subscription).toMatchObject({ tenantId: 'acme', applicationTenantId: 'globex', status: 'pending' });
      await expectStatus(catalog.call('POST', `/subscriptions/${subscription.id}/approve`, { token: globex }), 403);
      await expectStatus(catalog.call('POST', `/subscriptions/${subscription.id}/approve`, { token: owner }), 200);
      const mine = await expectStatus(catalog.call('GET', '/subscriptions', { token: globex }), 200);
      expect(mine.items.map((item: { id: string }) => item.id)).toEqual([subscription.id]);
      const theirs = await expectStatus(catalog.call('GET', `/apis/${apiId}/subscriptions`, { token: owner }), 200);
      expect(theirs.items).toEqual([expect.objectContaining({ id: subscription.id, status: 'approved' })]);
      const outsider = await catalog.token({ tenant: 'acme', teams: { [consumerTeam]: 'admin' } });
      await expectStatus(catalog.call('GET', `/subscriptions/${subscription.id}`, { token: outsider }), 404);
      expect((await expectStatus(catalog.call('GET', `/apis/${apiId}/subscriptions`, { token: outsider }), 200)).items).toEqual([]);
    });
  });
});
