import { z } from 'zod';
import { defineEvent, defineState } from '../define';
import { Topics } from '../topics';
import { id, nullableTimestamp, scope, tenantId, timestamp } from './common';

export const TenantChangedV1 = defineEvent({
  type: 'gatehouse.identity.tenant.changed.v1',
  topic: Topics.identityEvents,
  schema: z.object({
    tenantId,
    name: z.string().min(1).max(200),
    status: z.enum(['active', 'suspended', 'deleted']),
    at: timestamp,
  }),
  key: (data) => data.tenantId,
  tenant: (data) => data.tenantId,
});

export const TeamChangedV1 = defineEvent({
  type: 'gatehouse.identity.team.changed.v1',
  topic: Topics.identityEvents,
  schema: z.object({
    teamId: id,
    tenantId,
    name: z.string().min(1).max(200),
    status: z.enum(['active', 'deleted']),
    at: timestamp,
  }),
  key: (data) => data.teamId,
  tenant: (data) => data.tenantId,
});

export const applicationStatusSchema = z.enum(['active', 'suspended', 'deleted']);

const applicationFields = {
  applicationId: id,
  tenantId,
  teamId: id,
  name: z.string().min(1).max(200),
  status: applicationStatusSchema,
  /** Every access token issued to this application is a nested JWE. */
  requireEncryptedTokens: z.boolean(),
  allowedScopes: z.array(scope),
};

/** `gatehouse.identity.events`: an application was created, changed, suspended or deleted. */
export const ApplicationChangedV1 = defineEvent({
  type: 'gatehouse.identity.application.changed.v1',
  topic: Topics.identityEvents,
  schema: z.object({ ...applicationFields, change: z.enum(['created', 'updated', 'suspended', 'reactivated', 'deleted']), at: timestamp }),
  key: (data) => data.applicationId,
  tenant: (data) => data.tenantId,
});

/** Compacted `gatehouse.identity.applications`, keyed by applicationId; deleted ones are tombstoned. */
export const ApplicationStateV1 = defineState({
  type: 'gatehouse.identity.application.state.v1',
  topic: Topics.applicationState,
  schema: z.object({ ...applicationFields, updatedAt: timestamp }),
  key: (data) => data.applicationId,
  tenant: (data) => data.tenantId,
});

const credentialFields = {
  credentialId: id,
  applicationId: id,
  tenantId,
  kind: z.enum(['client_secret', 'private_key_jwt', 'api_key']),
};

/** A credential was added or revoked. Never carries a secret. */
export const CredentialChangedV1 = defineEvent({
  type: 'gatehouse.identity.credential.changed.v1',
  topic: Topics.identityEvents,
  schema: z.object({ ...credentialFields, change: z.enum(['created', 'revoked', 'expired']), at: timestamp }),
  key: (data) => data.applicationId,
  tenant: (data) => data.tenantId,
});

/**
 * Compacted `gatehouse.identity.api-keys`, keyed by apiKeyId. `hash` is the lowercase hex
 * SHA-256 of the whole presented key (prefix included); the key has at least 256 bits of
 * entropy, so the hash reveals nothing usable. Revoked keys are tombstoned.
 */
export const ApiKeyStateV1 = defineState({
  type: 'gatehouse.identity.api-key.state.v1',
  topic: Topics.apiKeyState,
  schema: z.object({
    apiKeyId: id,
    applicationId: id,
    tenantId,
    prefix: z.string().min(4).max(40),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    scopes: z.array(scope),
    expiresAt: nullableTimestamp,
    updatedAt: timestamp,
  }),
  key: (data) => data.apiKeyId,
  tenant: (data) => data.tenantId,
});

const revocationFields = {
  tenantId,
  /**
   * `token`: one access token by jti, kept until its exp. `application`: every token of the
   * application issued before `issuedBefore`. `subject`: every token of `subject` issued
   * before `issuedBefore`.
   */
  kind: z.enum(['token', 'application', 'subject']),
  jti: z.string().max(200).nullable(),
  applicationId: id.nullable(),
  subject: z.string().max(300).nullable(),
  issuedBefore: nullableTimestamp,
  /** After this instant the revocation can be forgotten (the token has expired anyway). */
  expiresAt: nullableTimestamp,
  reason: z.string().max(500),
};

export const TokenRevokedV1 = defineEvent({
  type: 'gatehouse.identity.token.revoked.v1',
  topic: Topics.identityEvents,
  schema: z.object({ revocationId: id, ...revocationFields, at: timestamp }),
  key: (data) => data.applicationId ?? data.revocationId,
  tenant: (data) => data.tenantId,
});

/** Compacted `gatehouse.identity.revocations`, keyed by revocationId (`jti:<jti>`, `app:<id>`, `sub:<tenant>:<subject>`). */
export const RevocationStateV1 = defineState({
  type: 'gatehouse.identity.revocation.state.v1',
  topic: Topics.revocationState,
  schema: z.object({ revocationId: id, ...revocationFields, revokedAt: timestamp }),
  key: (data) => data.revocationId,
  tenant: (data) => data.tenantId,
});
