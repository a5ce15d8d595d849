import 'reflect-metadata';
import { runService } from '@gatehouse/platform';
import { AppModule } from './app.module';
import { type GatewayConfig, gatewayConfigSchema } from './gateway.config';

void runService({
  service: 'gateway',
  defaultPort: 8090,
  title: 'Gatehouse gateway control plane',
  description: 'Health, readiness, metrics and the loaded configuration of a gateway replica; the data plane listens on GATEWAY_PROXY_PORT',
  config: gatewayConfigSchema,
  module: (config, logger) => AppModule.forRoot({ config: config as unknown as GatewayConfig, logger }),
});
