import 'reflect-metadata';
import { runService } from '@gatehouse/platform';
import { AppModule } from './app.module';
import { keysConfigSchema, type KeysConfig } from './keys.config';

void runService({
  service: 'keys',
  defaultPort: 8082,
  title: 'Gatehouse keys',
  description: 'Key sets, key rotation, wrapped private keys and the public JWKS',
  config: keysConfigSchema,
  module: (config, logger) => AppModule.forRoot({ config: config as KeysConfig, logger }),
});
