import { AiModelStateV1, AiPolicyStateV1, AiProviderStateV1, type EventData, type EventDefinition, PromptStateV1 } from '@gatehouse/contracts';

export type AiProviderState = EventData<typeof AiProviderStateV1>;
export type AiModelState = EventData<typeof AiModelStateV1>;
export type AiPolicyState = EventData<typeof AiPolicyStateV1>;
export type PromptState = EventData<typeof PromptStateV1>;

/** The records of `gatehouse.catalog.ai`. */
export const aiStateDefinitions: readonly EventDefinition[] = [AiProviderStateV1, AiModelStateV1, AiPolicyStateV1, PromptStateV1];

/** A provider record with its credential opened (`apiKey`), or the reason it could not be. */
export interface ProviderEntry {
  readonly state: AiProviderState;
  /** The opened credential ('' for a provider without one); null when it did not open. */
  readonly apiKey: string | null;
  readonly credentialError: string | null;
}

/** Everything one tenant published on the AI topic, by entity id. */
export interface TenantAiRecords {
  readonly providers: Map<string, ProviderEntry>;
  readonly models: Map<string, AiModelState>;
  readonly policies: Map<string, AiPolicyState>;
  /** By route id. */
  readonly prompts: Map<string, PromptState>;
}

export function emptyTenantRecords(): TenantAiRecords {
  return { providers: new Map(), models: new Map(), policies: new Map(), prompts: new Map() };
}

export function isEmpty(records: TenantAiRecords): boolean {
  return records.providers.size === 0 && records.models.size === 0 && records.policies.size === 0 && records.prompts.size === 0;
}
