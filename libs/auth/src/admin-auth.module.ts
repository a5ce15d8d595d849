import { type DynamicModule, type InjectionToken, Module, type Provider } from '@nestjs/common';
import { ADMIN_BOOTSTRAP_SECRET, ADMIN_TOKEN_VERIFIER, AdminAuthGuard } from './admin-auth.guard';
import { ADMIN_AUTH_STATE_OPTIONS, AdminAuthState, type AdminAuthStateOptions } from './admin-auth-state';
import { TokenVerifier } from './token-verifier';

/** How a service builds the TokenVerifier of member tokens, from what it already holds. */
export interface AdminVerifierFactory {
  /** Tokens the factory receives: global providers, or `providers` of the same options. */
  inject?: InjectionToken[];
  useFactory: (...args: any[]) => TokenVerifier | Promise<TokenVerifier>;
}

export interface AdminAuthOptions {
  /** `ADMIN_BOOTSTRAP_TOKEN`; null disables the bootstrap secret. */
  bootstrapToken: string | null;
  verifier: AdminVerifierFactory;
  /** Providers the verifier factory needs that no global module provides (a key-ring feeder). */
  providers?: Provider[];
}

export interface AdminAuthFromStateOptions extends AdminAuthStateOptions {
  /** `ADMIN_BOOTSTRAP_TOKEN`; null disables the bootstrap secret. */
  bootstrapToken: string | null;
  /** Accepted `iss` of member tokens (identity's base URL). */
  issuer: string | readonly string[];
  /** Default 30. */
  clockSkewSeconds?: number;
}

/**
 * What AdminAuthGuard needs: the verifier under ADMIN_TOKEN_VERIFIER, the bootstrap secret
 * under ADMIN_BOOTSTRAP_SECRET, and the guard itself. For a module that cannot import
 * AdminAuthModule because the verifier depends on its own providers.
 */
export function adminAuthProviders(options: AdminAuthOptions): Provider[] {
  return [
    ...(options.providers ?? []),
    { provide: ADMIN_TOKEN_VERIFIER, inject: options.verifier.inject ?? [], useFactory: options.verifier.useFactory },
    { provide: ADMIN_BOOTSTRAP_SECRET, useValue: options.bootstrapToken },
    AdminAuthGuard,
  ];
}

/**
 * The admin authentication of a service, global: every controller can use
 * `@UseGuards(AdminAuthGuard)`. Member tokens (audience `urn:gatehouse:admin`) are verified by
 * the service's verifier, and the bootstrap secret makes the caller platform admin.
 */
@Module({})
export class AdminAuthModule {
  /** With a verifier the service builds (its own token verifier, or a ring it feeds). */
  static forRoot(options: AdminAuthOptions): DynamicModule {
    return {
      module: AdminAuthModule,
      global: true,
      providers: adminAuthProviders(options),
      exports: [ADMIN_TOKEN_VERIFIER, ADMIN_BOOTSTRAP_SECRET, AdminAuthGuard],
    };
  }

  /**
   * With member tokens verified against the signing keys on `gatehouse.keys.state` and the
   * revocations identity publishes, read by an AdminAuthState (needs PlatformModule).
   */
  static fromStateTopics(options: AdminAuthFromStateOptions): DynamicModule {
    const { bootstrapToken, issuer, clockSkewSeconds, prefix, groupId } = options;
    const state: AdminAuthStateOptions = { prefix, groupId };
    return AdminAuthModule.forRoot({
      bootstrapToken,
      providers: [{ provide: ADMIN_AUTH_STATE_OPTIONS, useValue: state }, AdminAuthState],
      verifier: {
        inject: [AdminAuthState],
        useFactory: (auth: AdminAuthState) => new TokenVerifier({ issuer, keys: auth.keys, revocations: auth.revocations, ...(clockSkewSeconds === undefined ? {} : { clockSkewSeconds }) }),
      },
    });
  }
}
