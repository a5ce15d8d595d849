import { randomBytes } from 'node:crypto';
import { eventually } from '@gatehouse/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { KeysTestEnv } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';

const SIGNING = 'platform-access-token-signing';
const masterKey = (id: string) => `${id}:${randomBytes(32).toString('base64url')}`;

describe('master-key rotation', () => {
  const mk1 = masterKey('mk1');
  const mk2 = masterKey('mk2');
  const env = new KeysTestEnv('masterkey', { KEYS_MASTER_KEY: mk1 });
  const clock = new ManualClock('2030-06-01T00:00:00.000Z');
  const stored = () => env.sql<{ kid: string; master_key_id: string; wrapped_private_key: Buffer }>('select kid, master_key_id, wrapped_private_key from keys where wrapped_private_key is not null order by kid');
  afterAll(async () => {
    await env.cleanup();
  });

  it('re-wraps every stored key under the new master key, after which the old one can be dropped', async () => {
    const first = await env.start({ clock });
    const before = await stored();
    expect(before).toHaveLength(4);
    expect(new Set(before.map((row) => row.master_key_id))).toEqual(new Set(['mk1']));
    const activeKid = (await first.http('GET', `/admin/key-sets/${SIGNING}/keys?state=active`)).body.keys[0].kid;
    const privateBefore = await eventually(() => env.privateJwkFromTopic(activeKid), 'active key on the state topic');
    await first.close();

    const second = await env.start({ clock, env: { KEYS_MASTER_KEY: `${mk2},${mk1}` } });
    expect((await second.http('GET', '/admin/master-key')).body).toEqual({ masterKeyId: 'mk2', usage: [{ masterKeyId: 'mk1', keys: 4 }] });
    const rotated = await second.http('POST', '/admin/master-key/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ masterKeyId: 'mk2', rewrapped: 4, total: 4, released: ['mk1'] });
    const after = await stored();
    expect(after.map((row) => row.master_key_id)).toEqual(['mk2', 'mk2', 'mk2', 'mk2']);
    after.forEach((row, index) => expect(row.wrapped_private_key.equals(before[index]!.wrapped_private_key)).toBe(false));
    const audit = (await second.http('GET', '/admin/audit?action=master-key.rotated')).body.entries;
    expect(audit).toEqual([expect.objectContaining({ actor: 'bootstrap-admin', tenantId: null, details: { to: 'mk2', from: { mk1: 4 }, rewrapped: 4, total: 4 } })]);
    await second.close();

    // only the new master key: the stored keys still open (the state topic gets them again on revocation)
    const third = await env.start({ clock, env: { KEYS_MASTER_KEY: mk2 } });
    const pendingKid = (await third.http('GET', `/admin/key-sets/${SIGNING}/keys?state=pending`)).body.keys[0].kid;
    const revoked = await third.http('POST', `/admin/key-sets/${SIGNING}/keys/${activeKid}/revoke`, { body: { reason: 'master key rotation drill' } });
    expect(revoked.body.activeKid).toBe(pendingKid);
    await eventually(() => env.latestState(pendingKid)?.state === 'active', 'promoted key on the state topic');
    const promoted = await env.privateJwkFromTopic(pendingKid);
    expect(promoted.kid).toBe(pendingKid);
    expect(privateBefore.kid).toBe(activeKid);
    await third.close();

    const leaks = await env.leakScan([mk1.split(':')[1]!, mk2.split(':')[1]!]);
    expect(leaks).toEqual([]);
  });

  it('refuses to start when a stored key is wrapped under a master key it does not hold', async () => {
    await expect(env.start({ clock, env: { KEYS_MASTER_KEY: masterKey('mk3') } })).rejects.toThrow(
      'stored keys are wrapped under master key "mk2" (5 keys), which KEYS_MASTER_KEY does not hold; add it back (after the current key) and rotate the master key',
    );
  });
});
