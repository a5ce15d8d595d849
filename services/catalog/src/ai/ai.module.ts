import { type DynamicModule, Module } from '@nestjs/common';
import { KeyVault } from '@gatehouse/vault';
import { GatewayTransport } from './common/ai-secrets';
import { ManageModelUseCase } from './models/manage-model.use-case';
import { ModelsController } from './models/models.controller';
import { ManagePolicyUseCase } from './policies/manage-policy.use-case';
import { PoliciesController } from './policies/policies.controller';
import { CredentialKeys } from './providers/credential-keys.service';
import { ManageProviderUseCase } from './providers/manage-provider.use-case';
import { MasterKeyController } from './providers/master-key.controller';
import { ProviderCredentials } from './providers/provider-credentials.service';
import { ProviderStatePublisher } from './providers/provider-state.publisher';
import { ProvidersController } from './providers/providers.controller';

export interface AiModuleOptions {
  vault: KeyVault;
  transport: GatewayTransport;
}

/** AI providers (credentials sealed by the vault), models with prices and routing policies. */
@Module({})
export class AiModule {
  static forRoot(options: AiModuleOptions): DynamicModule {
    return {
      module: AiModule,
      controllers: [ProvidersController, ModelsController, PoliciesController, MasterKeyController],
      providers: [
        { provide: KeyVault, useValue: options.vault },
        { provide: GatewayTransport, useValue: options.transport },
        ProviderCredentials,
        ProviderStatePublisher,
        CredentialKeys,
        ManageProviderUseCase,
        ManageModelUseCase,
        ManagePolicyUseCase,
      ],
    };
  }
}
