import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AiVersionSurface } from '../ai/apis/ai-version-surface';
import { AiReferences } from '../ai/common/ai-references';
import { ModelsRepository } from '../ai/models/models.repository';
import { PoliciesRepository } from '../ai/policies/policies.repository';
import { ProvidersRepository } from '../ai/providers/providers.repository';
import { ApisRepository } from '../apis/apis.repository';
import { DirectoryRepository } from '../directory/directory.repository';
import { CatalogOutbox } from '../events/catalog-outbox';
import { PlansRepository } from '../plans/plans.repository';
import { SubscriptionEvents } from '../subscriptions/subscription-events';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { RoutePublisher } from '../versions/route-publisher';
import { VersionsRepository } from '../versions/versions.repository';
import { CatalogSettings } from './catalog-settings';
import { Clock } from './clock';

const shared = [
  ApisRepository,
  VersionsRepository,
  PlansRepository,
  SubscriptionsRepository,
  DirectoryRepository,
  CatalogOutbox,
  RoutePublisher,
  SubscriptionEvents,
  ProvidersRepository,
  ModelsRepository,
  PoliciesRepository,
  AiReferences,
  AiVersionSurface,
];

/** Repositories, the outbox, the clock and settings every feature of the catalog shares. */
@Global()
@Module({})
export class CatalogCoreModule {
  static forRoot(options: { clock: Clock; settings: CatalogSettings }): DynamicModule {
    return {
      module: CatalogCoreModule,
      providers: [{ provide: Clock, useValue: options.clock }, { provide: CatalogSettings, useValue: options.settings }, ...shared],
      exports: [Clock, CatalogSettings, ...shared],
    };
  }
}
