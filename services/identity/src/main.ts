import { runService } from '@gatehouse/platform';
import { AppModule } from './app.module';
import { identityConfigSchema } from './config/identity-config';

void runService({
  service: 'identity',
  defaultPort: 8081,
  title: 'Gatehouse identity',
  description: 'Tenants, teams, members, applications and their credentials; the OAuth 2.0 token, introspection and revocation endpoints.',
  config: identityConfigSchema,
  module: (config, logger) => AppModule.forRoot({ config, logger }),
});
