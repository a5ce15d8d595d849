import { ApplicationStateV1, encodeEvent, KeyStateV1, RevocationStateV1 } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { DecryptionKeyRing, VerificationKeyRing } from './key-ring';
import { authStateDefinitions, authStateHandler } from './key-ring-feeder';
import { RevocationStore } from './revocation-store';
import { encryptionKeyState, keyState, NOW, testKey, transportSecret } from './testing/token-factory';
import { refusal } from './testing/refusal';

function targets() {
  const secret = transportSecret();
  return { secret, keys: new VerificationKeyRing(), decryptionKeys: new DecryptionKeyRing({ transportSecrets: secret }), revocations: new RevocationStore({ now: () => NOW }) };
}

describe('authStateHandler', () => {
  it('reads keys always, and revocations and applications when a store is given', () => {
    const { keys, revocations } = targets();
    expect(authStateDefinitions({ keys }).map((definition) => definition.type)).toEqual([KeyStateV1.type]);
    expect(authStateDefinitions({ keys, revocations })).toHaveLength(3);
  });

  it('routes signing and encryption key records to their rings, and tombstones remove them', async () => {
    const all = targets();
    const handle = authStateHandler(all);
    const signing = testKey('ES256');
    const encryption = testKey('ECDH-ES+A256KW');
    const signingState = encodeEvent(KeyStateV1, keyState(signing), { source: 'keys' });
    const encryptionState = encodeEvent(KeyStateV1, await encryptionKeyState(encryption, all.secret), { source: 'keys' });
    await handle({ definition: KeyStateV1, key: signingState.key, envelope: signingState.envelope });
    await handle({ definition: KeyStateV1, key: encryptionState.key, envelope: encryptionState.envelope });
    expect(all.keys.usableKids(NOW)).toEqual([signing.kid]);
    expect(all.decryptionKeys.usableKids(NOW)).toEqual([encryption.kid]);
    await handle({ definition: KeyStateV1, key: signing.kid, envelope: null });
    expect(refusal(() => all.keys.resolve(signing.kid, NOW))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });

  it('rejects a key the gateway cannot unwrap, so the reader dead-letters it', async () => {
    const all = targets();
    const encryption = testKey('RSA-OAEP-256');
    const state = encodeEvent(KeyStateV1, await encryptionKeyState(encryption, transportSecret('other-secret')), { source: 'keys' });
    await expect(authStateHandler(all)({ definition: KeyStateV1, key: state.key, envelope: state.envelope })).rejects.toThrow(/does not hold/);
  });

  it('routes revocations and application states to the store', async () => {
    const all = targets();
    const handle = authStateHandler(all);
    const revocation = encodeEvent(
      RevocationStateV1,
      { revocationId: 'jti:j1', tenantId: 'acme', kind: 'token', jti: 'j1', applicationId: null, subject: null, issuedBefore: null, expiresAt: null, reason: 'r', revokedAt: new Date(NOW).toISOString() },
      { source: 'identity' },
    );
    const application = encodeEvent(
      ApplicationStateV1,
      { applicationId: 'app-2', tenantId: 'acme', teamId: 't', name: 'n', status: 'suspended', requireEncryptedTokens: false, allowedScopes: [], updatedAt: new Date(NOW).toISOString() },
      { source: 'identity' },
    );
    await handle({ definition: RevocationStateV1, key: revocation.key, envelope: revocation.envelope });
    await handle({ definition: ApplicationStateV1, key: application.key, envelope: application.envelope });
    const token = { jti: 'j1', subject: 's', clientId: 'app-1', tenant: 'acme', issuedAt: NOW / 1000 };
    expect(all.revocations.isRevoked(token)).toBe(true);
    expect(all.revocations.isRevoked({ ...token, jti: 'j2', clientId: 'app-2' })).toBe(true);
    await handle({ definition: RevocationStateV1, key: 'jti:j1', envelope: null });
    expect(all.revocations.isRevoked(token)).toBe(false);
  });
});
