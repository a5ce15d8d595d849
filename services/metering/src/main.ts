import 'reflect-metadata';
import { runService } from '@gatehouse/platform';
import { AppModule, type MeteringConfig } from './app.module';
import { meteringConfigSchema } from './metering.config';

void runService({
  service: 'metering',
  defaultPort: 8084,
  title: 'Gatehouse metering',
  description: 'Exact usage ledger, minute/hour/day rollups, the usage query API, and quotas from catalog plans',
  config: meteringConfigSchema,
  module: (config, logger) => AppModule.forRoot({ config: config as MeteringConfig, logger }),
});
