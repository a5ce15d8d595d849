import 'reflect-metadata';
import { type ExecutionContext, Inject, Injectable, Module, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { ADMIN_BOOTSTRAP_SECRET, ADMIN_TOKEN_VERIFIER, AdminAuthGuard } from './admin-auth.guard';
import { AdminAuthModule } from './admin-auth.module';
import { ADMIN_AUDIENCE, type AdminPrincipal } from './admin-principal';
import { VerificationKeyRing } from './key-ring';
import { claims, ISSUER, keyState, NOW, signToken, testKey } from './testing/token-factory';
import { TokenVerifier } from './token-verifier';

const BOOTSTRAP = 'bootstrap-secret-for-unit-tests-0123456789';

/** Stands for what a service feeds its admin keys from (a key-ring feeder). */
@Injectable()
class RingHolder {
  readonly ring = new VerificationKeyRing();
}

/** A feature module that does not import AdminAuthModule, as the services' feature modules. */
@Injectable()
class GuardedFeature {
  constructor(@Inject(AdminAuthGuard) readonly guard: AdminAuthGuard) {}
}
@Module({ providers: [GuardedFeature] })
class FeatureModule {}

function authenticate(guard: AdminAuthGuard, authorization: string): AdminPrincipal | UnauthorizedException {
  const request: { headers: Record<string, string>; principal?: AdminPrincipal } = { headers: { authorization } };
  const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({ setHeader: () => undefined }) }) } as unknown as ExecutionContext;
  try {
    guard.canActivate(context);
    return request.principal!;
  } catch (error) {
    if (error instanceof UnauthorizedException) return error;
    throw error;
  }
}

async function boot(bootstrapToken: string | null) {
  @Module({
    imports: [
      AdminAuthModule.forRoot({
        bootstrapToken,
        providers: [RingHolder],
        verifier: { inject: [RingHolder], useFactory: (holder: RingHolder) => new TokenVerifier({ issuer: ISSUER, keys: holder.ring, now: () => NOW }) },
      }),
      FeatureModule,
    ],
  })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false });
}

describe('AdminAuthModule.forRoot', () => {
  it('gives every module the guard, verifying member tokens with the verifier the service builds', async () => {
    const app = await boot(BOOTSTRAP);
    try {
      const key = testKey('ES256');
      app.get(RingHolder).ring.apply(keyState(key), key.kid);
      const { guard } = app.get(GuardedFeature);
      const member = authenticate(guard, `Bearer ${signToken(key, claims({ aud: [ADMIN_AUDIENCE], sub: 'member-1' }))}`);
      expect(member).toMatchObject({ subject: 'member-1', tenantId: 'acme', platformAdmin: false, via: 'token' });
      expect(authenticate(guard, `Bearer ${BOOTSTRAP}`)).toMatchObject({ tenantId: 'platform', platformAdmin: true, via: 'bootstrap' });
      const unknown = testKey('ES256');
      expect(authenticate(guard, `Bearer ${signToken(unknown, claims({ aud: [ADMIN_AUDIENCE] }))}`)).toBeInstanceOf(UnauthorizedException);
      expect(app.get(ADMIN_TOKEN_VERIFIER)).toBeInstanceOf(TokenVerifier);
    } finally {
      await app.close();
    }
  });

  it('refuses the bootstrap secret when the service has none', async () => {
    const app = await boot(null);
    try {
      expect(app.get(ADMIN_BOOTSTRAP_SECRET)).toBeNull();
      expect(authenticate(app.get(GuardedFeature).guard, `Bearer ${BOOTSTRAP}`)).toBeInstanceOf(UnauthorizedException);
    } finally {
      await app.close();
    }
  });
});
