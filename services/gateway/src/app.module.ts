import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { PlatformModule } from '@gatehouse/platform';
import type { Registry } from 'prom-client';
import { ControlPlaneModule } from './control-plane/control-plane.module';
import type { AiRouteHandler } from './data-plane/server/ai-route';
import { type GatewayConfig, platformConfigOf } from './gateway.config';

export interface GatewayAppOptions {
  config: GatewayConfig;
  logger: Logger;
  registry?: Registry;
  /** Serves `ai` and `prompt` routes (e.g. `createAiHandler` of the AI gateway library). */
  aiHandler?: AiRouteHandler;
}

/** The gateway: no database; its state comes from the compacted topics. */
@Module({})
export class AppModule {
  static forRoot(options: GatewayAppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'gateway',
          config: platformConfigOf(options.config),
          database: false,
          logger: options.logger,
          ...(options.registry ? { registry: options.registry } : {}),
        }),
        ControlPlaneModule.forRoot(options.config, options.aiHandler ? { aiHandler: options.aiHandler } : {}),
      ],
    };
  }
}
