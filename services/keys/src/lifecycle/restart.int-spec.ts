import { randomBytes } from 'node:crypto';
import { transportSecretFromEnv, unwrapPrivateKey } from '@gatehouse/auth';
import { OutboxRelay } from '@gatehouse/messaging';
import { eventually } from '@gatehouse/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type KeysTestApp, KeysTestEnv } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';
import { KeyGenerator } from './key-generator';

const T0 = new Date('2030-04-01T00:00:00.000Z');
const SIGNING = 'platform-access-token-signing';

/** A generator that dies on demand, like a process killed in the middle of a tick. */
class CrashingGenerator extends KeyGenerator {
  armed = false;
  override async generate(...args: Parameters<KeyGenerator['generate']>) {
    if (this.armed) throw new Error('process killed');
    return super.generate(...args);
  }
}

describe('restart in the middle of a rotation', () => {
  const env = new KeysTestEnv('restart');
  const clock = new ManualClock(T0);
  afterAll(async () => {
    await env.cleanup();
  });

  const snapshot = () => env.sql<{ kid: string; key_set_id: string; state: string }>('select kid, key_set_id, state from keys order by kid');
  const activeCounts = async () =>
    (await env.sql<{ key_set_id: string; n: string }>("select key_set_id, count(*) as n from keys where state = 'active' group by key_set_id order by key_set_id")).map((row) => Number(row.n));
  const outboxSize = async () => Number((await env.sql<{ n: string }>('select count(*) as n from outbox'))[0]!.n);

  it('leaves a consistent state and loses no transition', async () => {
    const generator = new CrashingGenerator();
    const first: KeysTestApp = await env.start({ clock, keyGenerator: generator });
    await eventually(async () => (await outboxSize()) === 0 && env.transitions().length === 4, 'initial keys published');
    const initial = await snapshot();
    const active = initial.find((row) => row.key_set_id === SIGNING && row.state === 'active')!;
    const pending = initial.find((row) => row.key_set_id === SIGNING && row.state === 'pending')!;

    // killed inside the tick's transaction: the activation was applied, the successor never generated
    clock.advance(3600);
    generator.armed = true;
    expect(await first.tick()).toBeNull();
    expect(await snapshot()).toEqual(initial);
    expect(await outboxSize()).toBe(0);

    // killed after the commit, before the outbox relay published anything
    generator.armed = false;
    await first.app.get(OutboxRelay).stop();
    expect(await first.tick()).toMatchObject({ ran: true, steps: 4 });
    expect(await outboxSize()).toBeGreaterThan(0);
    await first.close();

    const second = await env.start({ clock });
    await eventually(async () => (await outboxSize()) === 0, 'outbox drained after restart');
    expect(await activeCounts()).toEqual([1, 1]);
    const after = await snapshot();
    expect(after.find((row) => row.kid === pending.kid)!.state).toBe('active');
    expect(after.find((row) => row.kid === active.kid)!.state).toBe('retiring');
    const signingPath = await eventually(() => {
      const path = env.transitions().filter((event) => event.keySetId === SIGNING).map((event) => `${event.kid === active.kid ? 'old' : event.kid === pending.kid ? 'next' : 'new'}:${event.from ?? '-'}>${event.to}`);
      return path.length === 5 && path;
    }, 'signing transitions');
    expect(signingPath).toEqual(['old:->active', 'next:->pending', 'old:active>retiring', 'next:pending>active', 'new:->pending']);
    await eventually(() => env.latestState(pending.kid)?.state === 'active', 'state topic shows the new active key');

    // the rest of the rotation completes on the restarted instance
    clock.advance(930);
    await second.tick();
    expect((await snapshot()).find((row) => row.kid === active.kid)!.state).toBe('retired');
    await eventually(() => env.latestState(active.kid) === null, 'tombstone of the old key');
    const audit = await env.sql<{ n: string }>("select count(*) as n from audit_log where action like 'key.%' and action <> 'key.rescheduled'");
    await eventually(() => env.transitions().length === Number(audit[0]!.n), 'one event per audited transition');
    expect(await activeCounts()).toEqual([1, 1]);
    await second.close();
  });

  it('republishes every key state at restart, wrapped under the transport secret now configured', async () => {
    const rotatedSecret = `gateway-2:${randomBytes(32).toString('base64url')}`;
    const [encryption] = await env.sql<{ kid: string }>("select kid from keys where key_set_id = 'platform-access-token-encryption' and state = 'active'");
    const app = await env.start({ clock, env: { KEY_TRANSPORT_SECRET_GATEWAY: rotatedSecret } });
    const state = await eventually(() => {
      const latest = env.latestState(encryption!.kid);
      return latest?.privateKey?.jwe && JSON.parse(Buffer.from(latest.privateKey.jwe.split('.')[0]!, 'base64url').toString()).kid === 'gateway-2' && latest;
    }, 'encryption key re-wrapped under the new gateway secret');
    const privateJwk = await unwrapPrivateKey(state.privateKey!, transportSecretFromEnv(rotatedSecret), 'gateway');
    expect(privateJwk.kid).toBe(encryption!.kid);
    expect(await activeCounts()).toEqual([1, 1]);
    await app.close();
  });
});
