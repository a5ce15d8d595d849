import type { DynamicModule } from '@nestjs/common';
import { ADMIN_AUTH_STATE_OPTIONS, AdminAuthModule, AdminAuthState, type AdminAuthStateOptions, TokenVerifier } from '@gatehouse/auth';
import type { KeysConfig } from '../keys.config';
import { AdminKeyRingFeeder } from './admin-key-ring.feeder';

/**
 * Admin authentication of the keys service: member tokens verified against its own signing
 * keys, read from its tables rather than from `gatehouse.keys.state` (it is their source, and
 * must be administrable before anything is published), and against identity's revocations
 * (`gatehouse.identity.revocations`, `gatehouse.identity.applications`), or the bootstrap secret.
 */
export function keysAdminAuth(config: KeysConfig): DynamicModule {
  const state: AdminAuthStateOptions = {
    prefix: config.KAFKA_TOPIC_PREFIX,
    groupId: `${config.KAFKA_TOPIC_PREFIX}gatehouse-keys-admin-revocations-${config.INSTANCE_ID ?? 'keys'}`,
    keys: 'own',
  };
  return AdminAuthModule.forRoot({
    bootstrapToken: config.ADMIN_BOOTSTRAP_TOKEN ?? null,
    providers: [AdminKeyRingFeeder, { provide: ADMIN_AUTH_STATE_OPTIONS, useValue: state }, AdminAuthState],
    verifier: {
      inject: [AdminKeyRingFeeder, AdminAuthState],
      useFactory: (feeder: AdminKeyRingFeeder, auth: AdminAuthState) =>
        new TokenVerifier({ issuer: config.TOKEN_ISSUER, keys: feeder.ring, revocations: auth.revocations, clockSkewSeconds: config.CLOCK_SKEW_SECONDS }),
    },
  });
}
