import { randomBytes } from 'node:crypto';
import { eventually } from '@gatehouse/testing';
import { KeyVault, LocalMasterKeyVault, type WrapContext, type WrappedBlob } from '@gatehouse/vault';
import { afterAll, describe, expect, it } from 'vitest';
import { KeysTestEnv } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';

const SIGNING = 'platform-access-token-signing';

/** A stand-in for an HSM or KMS adapter: records every call, delegates the cryptography. */
class RecordingVault extends KeyVault {
  readonly keyId = 'kms-key-version-7';
  readonly calls: Array<{ op: 'wrap' | 'unwrap' | 'canUnwrap'; ids?: readonly string[]; domain?: string; keyId?: string }> = [];
  private readonly inner = new LocalMasterKeyVault([{ id: this.keyId, key: randomBytes(32) }]);

  wrap(plaintext: Buffer, context: WrapContext): Promise<WrappedBlob> {
    this.calls.push({ op: 'wrap', domain: context.domain, ids: context.ids });
    return this.inner.wrap(plaintext, context);
  }

  unwrap(blob: WrappedBlob, context: WrapContext): Promise<Buffer> {
    this.calls.push({ op: 'unwrap', domain: context.domain, ids: context.ids, keyId: blob.keyId });
    return this.inner.unwrap(blob, context);
  }

  canUnwrap(keyId: string): boolean {
    this.calls.push({ op: 'canUnwrap', keyId });
    return keyId === this.keyId;
  }
}

describe('the key-vault port', () => {
  const env = new KeysTestEnv('vault');
  const clock = new ManualClock('2030-08-01T00:00:00.000Z');
  afterAll(async () => {
    await env.cleanup();
  });

  it('creates, distributes and rotates keys through a vault passed as the module option', async () => {
    const vault = new RecordingVault();
    const app = await env.start({ clock, vault });
    const stored = () => env.sql<{ kid: string; key_set_id: string; master_key_id: string }>('select kid, key_set_id, master_key_id from keys where wrapped_private_key is not null order by kid');
    const wrapsOf = (kid: string) => vault.calls.filter((call) => call.op === 'wrap' && call.ids?.[0] === kid);

    const initial = await stored();
    expect(initial).toHaveLength(4);
    for (const row of initial) {
      expect(row.master_key_id).toBe('kms-key-version-7');
      expect(wrapsOf(row.kid)).toEqual([{ op: 'wrap', domain: 'gatehouse-keys', ids: [row.kid, row.key_set_id] }]);
    }
    const [pending] = (await app.http('GET', `/admin/key-sets/${SIGNING}/keys?state=pending`)).body.keys;
    // identity receives the key only through the vault: unwrapped there, re-wrapped for transport
    expect((await eventually(() => env.privateJwkFromTopic(pending.kid), 'pending key on the state topic')).kid).toBe(pending.kid);
    expect(vault.calls).toContainEqual({ op: 'unwrap', domain: 'gatehouse-keys', ids: [pending.kid, SIGNING], keyId: 'kms-key-version-7' });

    clock.advance(600);
    const rotated = await app.http('POST', `/admin/key-sets/${SIGNING}/rotate`);
    expect(rotated.body).toMatchObject({ status: 'activated', activeKid: pending.kid });
    const successor = rotated.body.pendingKid as string;
    expect(wrapsOf(successor)).toEqual([{ op: 'wrap', domain: 'gatehouse-keys', ids: [successor, SIGNING] }]);
    expect((await stored()).find((row) => row.kid === successor)?.master_key_id).toBe('kms-key-version-7');
    const promoted = await eventually(() => env.latestState(pending.kid)?.state === 'active' && env.latestState(pending.kid), 'promoted key on the state topic');
    expect(promoted.privateKey?.recipient).toBe('identity');
    await app.close();

    // at the next boot the stored keys are checked against the vault, not a local master key
    const calls = vault.calls.length;
    const again = await env.start({ clock, vault });
    expect(vault.calls.slice(calls)).toContainEqual({ op: 'canUnwrap', keyId: 'kms-key-version-7' });
    await again.close();
  });
});
