import { z } from 'zod';
import { defineEvent, defineState } from '../define';
import { Topics } from '../topics';
import { id, nullableTimestamp, tenantId, timestamp } from './common';

export const keyPurposes = ['access-token-signing', 'access-token-encryption'] as const;
export const keyPurposeSchema = z.enum(keyPurposes);
export type KeyPurpose = z.infer<typeof keyPurposeSchema>;

export const signingAlgorithms = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export const encryptionAlgorithms = ['ECDH-ES+A256KW', 'RSA-OAEP-256'] as const;
export const keyAlgorithmSchema = z.enum([...signingAlgorithms, ...encryptionAlgorithms]);
export type KeyAlgorithm = z.infer<typeof keyAlgorithmSchema>;

export const keyStates = ['pending', 'active', 'retiring', 'retired', 'destroyed', 'revoked'] as const;
export const keyStateSchema = z.enum(keyStates);
export type KeyStateName = z.infer<typeof keyStateSchema>;

/** A public JWK as published in the JWKS (no private members, enforced). */
export const publicJwkSchema = z
  .object({
    kty: z.enum(['EC', 'OKP', 'RSA']),
    kid: z.string().min(1),
    alg: keyAlgorithmSchema,
    use: z.enum(['sig', 'enc']),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
    n: z.string().optional(),
    e: z.string().optional(),
  })
  .strict();
export type PublicJwk = z.infer<typeof publicJwkSchema>;

/**
 * A private key wrapped for exactly one recipient service: a compact JWE (alg A256KW,
 * enc A256GCM) under that recipient's key-transport secret, whose id is the JWE `kid`.
 * Signing keys are wrapped for `identity`, encryption keys for `gateway`.
 */
export const wrappedPrivateKeySchema = z.object({
  recipient: z.enum(['identity', 'gateway']),
  jwe: z.string().min(1),
});
export type WrappedPrivateKey = z.infer<typeof wrappedPrivateKeySchema>;

const keyIdentity = {
  kid: id,
  keySetId: id,
  purpose: keyPurposeSchema,
  /** null for the platform's default key sets. */
  tenantId: tenantId.nullable(),
  alg: keyAlgorithmSchema,
};

/** Compacted `gatehouse.keys.state`, keyed by kid. Retired and destroyed keys are tombstoned. */
export const KeyStateV1 = defineState({
  type: 'gatehouse.keys.key.state.v1',
  topic: Topics.keyState,
  schema: z.object({
    ...keyIdentity,
    state: keyStateSchema,
    publicJwk: publicJwkSchema,
    privateKey: wrappedPrivateKeySchema.nullable(),
    /** When the key becomes (or became) the active key of its set. */
    activatesAt: timestamp,
    /** When the key stops signing/encrypting new tokens (moves to retiring). */
    retiresAt: nullableTimestamp,
    /** When the key leaves the JWKS: nothing it signed may be accepted after this instant. */
    verifiableUntil: nullableTimestamp,
    createdAt: timestamp,
  }),
  key: (data) => data.kid,
  tenant: (data) => data.tenantId ?? 'platform',
});

/** `gatehouse.keys.events`: one event per lifecycle transition. */
export const KeyTransitionedV1 = defineEvent({
  type: 'gatehouse.keys.key.transitioned.v1',
  topic: Topics.keyEvents,
  schema: z.object({
    ...keyIdentity,
    from: keyStateSchema.nullable(),
    to: keyStateSchema,
    reason: z.enum(['created', 'scheduled', 'manual', 'emergency', 'expired', 'destroyed']),
    at: timestamp,
  }),
  key: (data) => data.keySetId,
  tenant: (data) => data.tenantId ?? 'platform',
});

/** Emergency revocation: every gateway refuses tokens signed with `kid` from now on. */
export const KeyRevokedV1 = defineEvent({
  type: 'gatehouse.keys.key.revoked.v1',
  topic: Topics.keyEvents,
  schema: z.object({ ...keyIdentity, revokedAt: timestamp, reason: z.string().max(500) }),
  key: (data) => data.keySetId,
  tenant: (data) => data.tenantId ?? 'platform',
});
