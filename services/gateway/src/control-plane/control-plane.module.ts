import { type DynamicModule, Module } from '@nestjs/common';
import { adminAuthProviders, TokenVerifier } from '@gatehouse/auth';
import type { GatewayConfig } from '../gateway.config';
import { ConfigViewController } from './config-view.controller';
import { GatewayRuntime } from './gateway-runtime';
import type { AiRouteHandler } from '../data-plane/server/ai-route';
import { GATEWAY_AI_HANDLER, GATEWAY_CONFIG } from './tokens';

/** The gateway's Nest side: runtime lifecycle, readiness, and the admin-guarded config view. */
@Module({})
export class ControlPlaneModule {
  static forRoot(config: GatewayConfig, options: { aiHandler?: AiRouteHandler } = {}): DynamicModule {
    if (config.NODE_ENV === 'production' && !config.ADMIN_BOOTSTRAP_TOKEN) throw new Error('ADMIN_BOOTSTRAP_TOKEN is required in production');
    return {
      module: ControlPlaneModule,
      controllers: [ConfigViewController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        ...(options.aiHandler ? [{ provide: GATEWAY_AI_HANDLER, useValue: options.aiHandler }] : []),
        GatewayRuntime,
        // Admin tokens are verified against the same signing keys the data plane reads from gatehouse.keys.state.
        ...adminAuthProviders({
          bootstrapToken: config.ADMIN_BOOTSTRAP_TOKEN ?? null,
          verifier: {
            inject: [GatewayRuntime],
            useFactory: (runtime: GatewayRuntime) =>
              new TokenVerifier({
                issuer: config.TOKEN_ISSUER.split(',').map((issuer) => issuer.trim()),
                keys: runtime.dataPlane.auth.keys,
                revocations: runtime.dataPlane.auth.revocations,
                clockSkewSeconds: config.CLOCK_SKEW_SECONDS,
              }),
          },
        }),
      ],
      exports: [GatewayRuntime],
    };
  }
}
