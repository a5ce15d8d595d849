import { Global, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ADMIN_BOOTSTRAP_SECRET, ADMIN_TOKEN_VERIFIER, AdminAuthGuard, TokenVerifier } from '@gatehouse/auth';
import { AdminKeyRingFeeder } from './admin-key-ring.feeder';

export const ADMIN_AUTH_SETTINGS = Symbol('ADMIN_AUTH_SETTINGS');

export interface AdminAuthSettings {
  issuer: string;
  bootstrapToken: string | null;
  clockSkewSeconds: number;
}

/** AdminAuthGuard for this service: member tokens verified against the service's own signing keys, or the bootstrap secret. */
@Global()
@Module({
  providers: [
    AdminKeyRingFeeder,
    {
      provide: ADMIN_TOKEN_VERIFIER,
      inject: [AdminKeyRingFeeder, ADMIN_AUTH_SETTINGS],
      useFactory: (feeder: AdminKeyRingFeeder, settings: AdminAuthSettings) =>
        new TokenVerifier({ issuer: settings.issuer, keys: feeder.ring, clockSkewSeconds: settings.clockSkewSeconds }),
    },
    { provide: ADMIN_BOOTSTRAP_SECRET, inject: [ADMIN_AUTH_SETTINGS], useFactory: (settings: AdminAuthSettings) => settings.bootstrapToken },
    AdminAuthGuard,
  ],
  exports: [ADMIN_TOKEN_VERIFIER, ADMIN_BOOTSTRAP_SECRET, AdminAuthGuard],
})
export class AdminAuthModule implements OnApplicationBootstrap {
  constructor(@Inject(AdminKeyRingFeeder) private readonly feeder: AdminKeyRingFeeder) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.feeder.refresh();
  }
}
