import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import type { Credential } from '../entities/credential.entity';

const futureDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const createSecretSchema = z.strictObject({ expiresAt: futureDate.optional() });

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

const publicJwk = z
  .looseObject({
    kty: z.enum(['EC', 'OKP', 'RSA']),
    kid: z.string().min(1).max(200).optional(),
    alg: z.enum(['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256']).optional(),
    use: z.literal('sig').optional(),
    crv: z.string().max(20).optional(),
    x: z.string().max(200).optional(),
    y: z.string().max(200).optional(),
    n: z.string().max(2000).optional(),
    e: z.string().max(20).optional(),
  })
  .superRefine((jwk, context) => {
    if (privateMembers.some((member) => member in jwk)) return context.addIssue({ code: 'custom', message: 'only public keys may be registered' });
    try {
      const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, n: jwk.n, e: jwk.e } as never, format: 'jwk' });
      if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) context.addIssue({ code: 'custom', message: 'RSA keys need at least 2048 bits' });
    } catch {
      context.addIssue({ code: 'custom', message: 'not a valid public key' });
    }
  })
  .transform(({ kty, kid, alg, use, crv, x, y, n, e }) => Object.fromEntries(Object.entries({ kty, kid, alg, use, crv, x, y, n, e }).filter(([, value]) => value !== undefined)));

export const createJwksSchema = z.strictObject({
  jwks: z.strictObject({ keys: z.array(publicJwk).min(1).max(10) }),
  expiresAt: futureDate.optional(),
});

export type CreateSecret = z.infer<typeof createSecretSchema>;
export type CreateJwks = z.infer<typeof createJwksSchema>;

export const credentialView = (credential: Credential) => ({
  id: credential.id,
  applicationId: credential.applicationId,
  kind: credential.kind,
  ...(credential.kind === 'client_secret' ? { hint: credential.hint } : { jwks: credential.jwks }),
  createdAt: credential.createdAt.toISOString(),
  expiresAt: credential.expiresAt?.toISOString() ?? null,
  revokedAt: credential.revokedAt?.toISOString() ?? null,
});
