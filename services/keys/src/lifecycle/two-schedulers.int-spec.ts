import { eventually } from '@gatehouse/testing';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { KeysTestEnv } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';
import { KeyChangeListener } from '../changes/key-change.listener';

const metric = (text: string, outcome: string) => Number(new RegExp(`gatehouse_keys_scheduler_ticks_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);

describe('two replicas running their schedulers at once', () => {
  const env = new KeysTestEnv('replicas', { KEYS_SCHEDULER_INTERVAL_MS: '5' });
  const clock = new ManualClock('2030-05-01T00:00:00.000Z');
  afterAll(async () => {
    await env.cleanup();
  });

  it('keeps exactly one active key per set at every instant and applies each transition once', async () => {
    const a = await env.start({ clock });
    const sampler = new Client({ connectionString: env.databaseUrl });
    await sampler.connect();
    const violations: string[] = [];
    let samples = 0;
    let running = true;
    const sampling = (async () => {
      while (running) {
        const { rows } = await sampler.query(
          `select s.id, count(k.kid) filter (where k.state = 'active') as active, count(k.kid) filter (where k.state = 'pending') as pending
             from "${env.schema}".key_sets s left join "${env.schema}".keys k on k.key_set_id = s.id group by s.id`,
        );
        samples += 1;
        for (const row of rows) if (Number(row.active) !== 1 || Number(row.pending) > 1) violations.push(`${row.id}: ${row.active} active, ${row.pending} pending`);
      }
    })();
    const b = await env.start({ clock });

    // twelve rotation periods in steps of ten minutes, while both schedulers tick every 5 ms
    for (let step = 0; step < 72; step += 1) {
      clock.advance(600);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await eventually(async () => {
      const due = await env.sql<{ n: string }>("select count(*) as n from keys where state = 'pending' and activates_at <= $1", [clock.now()]);
      return Number(due[0]!.n) === 0;
    }, 'schedulers caught up with the clock');
    running = false;
    await sampling;
    await sampler.end();

    expect(samples).toBeGreaterThan(50);
    expect(violations).toEqual([]);
    const activations = await env.sql<{ kid: string; n: string }>("select kid, count(*) as n from audit_log where action = 'key.active' group by kid");
    // the first key of each set, then at least three rotations per set
    expect(activations.length).toBeGreaterThanOrEqual(2 + 2 * 3);
    expect(activations.every((row) => Number(row.n) === 1)).toBe(true);
    const audited = Number((await env.sql<{ n: string }>("select count(*) as n from audit_log where action like 'key.%'"))[0]!.n);
    const published = await eventually(() => {
      const events = env.transitions();
      return events.length === audited && events;
    }, 'one event per audited transition', 30_000);
    const activatedKids = published.filter((event) => event.to === 'active').map((event) => event.kid);
    expect(new Set(activatedKids).size).toBe(activatedKids.length);

    const [metricsA, metricsB] = await Promise.all([a.http('GET', '/metrics', { token: null }), b.http('GET', '/metrics', { token: null })]);
    const changed = [metric(metricsA.text, 'changed'), metric(metricsB.text, 'changed')];
    const locked = metric(metricsA.text, 'locked') + metric(metricsB.text, 'locked');
    expect(changed.every((count) => count > 0)).toBe(true);
    expect(locked).toBeGreaterThan(0);
    await Promise.all([a.close(), b.close()]);
  });

  it("shows a change made through one replica in the other's JWKS without waiting for its cache", async () => {
    const [a, b] = await Promise.all([env.start({ clock }), env.start({ clock })]);
    const kidsOf = async (app: typeof a) => (await app.http('GET', '/.well-known/jwks.json', { token: null })).body.keys.map((key: { kid: string }) => key.kid);
    const active = (await a.http('GET', '/admin/key-sets/platform-access-token-signing/keys?state=active')).body.keys[0].kid;
    expect(await kidsOf(b)).toContain(active);
    const notified: number[] = [];
    b.app.get(KeyChangeListener).subscribe(() => notified.push(Date.now()));
    const started = Date.now();
    const revoked = await a.http('POST', `/admin/key-sets/platform-access-token-signing/keys/${active}/revoke`, { body: { reason: 'replica test' } });
    expect(revoked.status).toBe(200);
    // The other replica hears of the change (Postgres NOTIFY) and drops its cached JWKS at once:
    // right after the notification, its JWKS no longer lists the key, whatever its cache age.
    await eventually(() => notified.length > 0, 'a change notification at the other replica');
    expect(await kidsOf(b)).not.toContain(active);
    console.log(`other replica notified ${notified[0]! - started} ms after the revoke call began`);
  });

  it('refuses a second active key in a set at the database level too', async () => {
    const [active] = await env.sql<{ kid: string; key_set_id: string }>("select kid, key_set_id from keys where state = 'active' limit 1");
    const [pending] = await env.sql<{ kid: string }>("select kid from keys where state = 'pending' and key_set_id = $1", [active!.key_set_id]);
    await expect(env.sql("update keys set state = 'active' where kid = $1", [pending!.kid])).rejects.toThrow(/keys_one_active_per_set/);
  });
});
