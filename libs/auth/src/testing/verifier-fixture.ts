import { DecryptionKeyRing, VerificationKeyRing } from '../key-ring';
import { RevocationStore } from '../revocation-store';
import { TokenVerifier, type TokenVerifierOptions } from '../token-verifier';
import { ISSUER, NOW, transportSecret } from './token-factory';

/** A verifier over empty rings with a movable clock, for unit specs. */
export function verifierFixture(options: Partial<TokenVerifierOptions> = {}) {
  const clock = { now: NOW };
  const keys = new VerificationKeyRing();
  const secret = transportSecret();
  const decryptionKeys = new DecryptionKeyRing({ transportSecrets: secret });
  const revocations = new RevocationStore({ now: () => clock.now });
  const verifier = new TokenVerifier({ issuer: ISSUER, keys, decryptionKeys, revocations, now: () => clock.now, ...options });
  return { clock, keys, decryptionKeys, revocations, verifier, secret };
}
