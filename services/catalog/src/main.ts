import { runService } from '@gatehouse/platform';
import { CatalogAppModule } from './app.module';
import { catalogConfigSchema } from './catalog.config';

void runService({
  service: 'catalog',
  defaultPort: 8083,
  title: 'Gatehouse catalog',
  description: 'APIs, versions and their OpenAPI documents, lifecycle, routes, plans and subscriptions with approval.',
  config: catalogConfigSchema,
  // OpenAPI documents up to OPENAPI_MAX_BYTES (5 MiB) arrive wrapped in JSON.
  bodyLimit: '6mb',
  module: (config, logger) => CatalogAppModule.forRoot(config, { logger }),
});
