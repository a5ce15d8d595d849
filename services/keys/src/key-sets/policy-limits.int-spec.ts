import { afterAll, describe, expect, it } from 'vitest';
import { KeysTestEnv } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';

const T0 = new Date('2030-07-01T00:00:00.000Z');
const SIGNING = 'platform-access-token-signing';
const ENCRYPTION = 'platform-access-token-encryption';

describe('stored policies against limits changed since they were set', () => {
  const env = new KeysTestEnv('limits');
  const clock = new ManualClock(T0);
  afterAll(async () => {
    await env.cleanup();
  });

  const policyOf = async (app: Awaited<ReturnType<KeysTestEnv['start']>>, setId: string) => (await app.http('GET', `/admin/key-sets/${setId}`)).body.policy;
  const raisedEntries = () => env.sql<{ key_set_id: string; actor: string; details: any }>("select key_set_id, actor, details from audit_log where action = 'key-set.policy-raised' order by id");

  it('raises every lead time and retire window below the configured minimum at boot, audits it, and moves a pending activation accordingly', async () => {
    const first = await env.start({ clock });
    const created = await first.http('POST', '/admin/key-sets', { body: { purpose: 'access-token-signing', tenantId: 'acme', leadTimeSeconds: 300, rotationPeriodSeconds: 600 } });
    expect(created.status).toBe(201);
    const acmeSet = created.body.id as string;
    const [acmeFirst] = created.body.keys;
    expect(acmeFirst.activatesAt).toBe(new Date(T0.getTime() + 300_000).toISOString());
    await first.close();

    // JWKS max-age doubled, tokens live twice as long
    const limits = { JWKS_CACHE_SECONDS: '900', MAX_TOKEN_LIFETIME_SECONDS: '1800', CLOCK_SKEW_SECONDS: '60' };
    const second = await env.start({ clock, env: limits });
    expect(await policyOf(second, acmeSet)).toMatchObject({ leadTimeSeconds: 900, rotationPeriodSeconds: 900, retireWindowSeconds: 1860 });
    expect(await policyOf(second, SIGNING)).toMatchObject({ leadTimeSeconds: 900, rotationPeriodSeconds: 3600, retireWindowSeconds: 1860 });
    expect(await policyOf(second, ENCRYPTION)).toMatchObject({ leadTimeSeconds: 900, retireWindowSeconds: 1860 });
    // the tenant's first key was published at T0: it may sign no sooner than the new lead time after that
    const acmeKey = (await second.http('GET', `/admin/key-sets/${acmeSet}/keys/${acmeFirst.kid}`)).body;
    expect(acmeKey).toMatchObject({ state: 'pending', activatesAt: new Date(T0.getTime() + 900_000).toISOString() });

    const raised = await raisedEntries();
    expect(raised.map((entry) => entry.key_set_id).sort()).toEqual([acmeSet, ENCRYPTION, SIGNING].sort());
    const acme = raised.find((entry) => entry.key_set_id === acmeSet)!;
    expect(acme.actor).toBe('scheduler');
    expect(acme.details.before).toMatchObject({ leadTimeSeconds: 300, rotationPeriodSeconds: 600, retireWindowSeconds: 930 });
    expect(acme.details.after).toMatchObject({ leadTimeSeconds: 900, rotationPeriodSeconds: 900, retireWindowSeconds: 1860 });
    expect(acme.details.reasons).toEqual([
      'leadTimeSeconds 300 raised to JWKS_CACHE_SECONDS 900',
      'rotationPeriodSeconds 600 raised to the lead time 900',
      'retireWindowSeconds 930 raised to MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS = 1800 + 60 = 1860',
    ]);
    const warnings = env.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'stored key-set policy was below the configured limits; raised');
    expect(warnings.map((line) => line.keySetId).sort()).toEqual([acmeSet, ENCRYPTION, SIGNING].sort());

    // a rotation under the new limits gives the retiring key the new window
    clock.advance(3600);
    await second.tick();
    const retiring = (await second.http('GET', `/admin/key-sets/${SIGNING}/keys?state=retiring`)).body.keys[0];
    expect(Date.parse(retiring.verifiableUntil) - Date.parse(retiring.retiresAt)).toBe(1860_000);
    await second.close();

    const third = await env.start({ clock, env: limits });
    expect(await raisedEntries()).toHaveLength(3);
    await third.close();
  });
});
