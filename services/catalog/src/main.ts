import { runService } from '@gatehouse/platform';
import { CatalogAppModule } from './app.module';
import { catalogConfigSchema } from './catalog.config';
import { CATALOG_JSON_BODY_LIMIT } from './common/body-limit';

void runService({
  service: 'catalog',
  defaultPort: 8083,
  title: 'Gatehouse catalog',
  description: 'APIs, versions and their OpenAPI documents, lifecycle, routes, plans and subscriptions with approval.',
  config: catalogConfigSchema,
  bodyLimit: CATALOG_JSON_BODY_LIMIT,
  module: (config, logger) => CatalogAppModule.forRoot(config, { logger }),
});
