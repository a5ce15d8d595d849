import { type AiHandler, type AiHandlerOptions, createAiHandler, UndiciUpstreamClient, type UpstreamClient } from '@gatehouse/ai';
import { AiModelStateV1, AiPolicyStateV1, AiProviderStateV1, type EventDefinition, PromptStateV1 } from '@gatehouse/contracts';
import type { StateRecord } from '@gatehouse/messaging';
import type { Logger } from '@gatehouse/observability';
import { type AiModelState, type AiPolicyState, type AiProviderState, aiStateDefinitions, emptyTenantRecords, isEmpty, type PromptState, type ProviderEntry, type TenantAiRecords } from './ai-records';
import type { AiMetrics } from './ai-metrics';
import type { CredentialOpener } from './provider-credentials';
import { buildTenantAiConfig } from './tenant-ai-config';

export interface AiStateStoreOptions {
  readonly credentials: CredentialOpener;
  readonly metrics: AiMetrics;
  readonly logger?: Logger;
  /** How long a change waits for more before the tenant's handler is rebuilt (default 25 ms). */
  readonly rebuildDelayMs?: number;
  /** Provider transport shared by every tenant's handler; a pooled undici client by default. */
  readonly upstream?: UpstreamClient;
  /** Extra handler options (tests: `random`, `drainOnDisconnectMs`). */
  readonly handlerOptions?: Omit<AiHandlerOptions, 'upstream' | 'onAttempt'>;
}

/** What a tenant principal may see of one tenant's AI state: ids and names, never a credential. */
export interface TenantAiView {
  tenantId: string;
  serving: boolean;
  providers: string[];
  models: string[];
  policies: string[];
  prompts: string[];
  skipped: string[];
  buildError: string | null;
}

type Bucket = 'providers' | 'models' | 'policies' | 'prompts';

/**
 * The AI side of the gateway state: the latest record per key of `gatehouse.catalog.ai`,
 * grouped by tenant, and one `createAiHandler` per tenant built from them. Credentials are
 * opened once per provider record (a re-delivered record with the same JWE reuses the opened
 * one). A change marks its tenant; the tenant's handler is rebuilt once per burst (debounced),
 * on the same upstream client, so provider connection pools stay warm. Nothing is built while
 * the topic is replayed: `flush()` at catch-up builds every tenant once and goes live.
 */
export class AiStateStore {
  readonly upstream: UpstreamClient;
  private readonly tenants = new Map<string, TenantAiRecords>();
  private readonly tenantOfKey = new Map<string, string>();
  private readonly handlers = new Map<string, AiHandler>();
  private readonly skipped = new Map<string, string[]>();
  private readonly buildErrors = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private readonly rebuildDelayMs: number;
  private timer: NodeJS.Timeout | null = null;
  private live = false;
  private readonly onAttempt: NonNullable<AiHandlerOptions['onAttempt']>;

  constructor(private readonly options: AiStateStoreOptions) {
    this.upstream = options.upstream ?? new UndiciUpstreamClient();
    this.rebuildDelayMs = options.rebuildDelayMs ?? 25;
    this.onAttempt = (attempt) => options.metrics.attempt(attempt);
  }

  get definitions(): readonly EventDefinition[] {
    return aiStateDefinitions;
  }

  handles(definition: EventDefinition): boolean {
    return aiStateDefinitions.includes(definition);
  }

  /** The handler serving `tenantId`'s AI and prompt routes; undefined when it has no usable provider. */
  handlerFor(tenantId: string): AiHandler | undefined {
    return this.handlers.get(tenantId);
  }

  get tenantCount(): number {
    return this.handlers.size;
  }

  /** Applies one record or tombstone of the AI topic. */
  async apply(record: StateRecord): Promise<void> {
    const data = record.envelope?.data;
    if (data === undefined || data === null) return this.remove(record.key);
    switch (record.definition.type) {
      case AiProviderStateV1.type: {
        const state = data as AiProviderState;
        return this.put(record.key, state.tenantId, 'providers', await this.providerEntry(record.key, state));
      }
      case AiModelStateV1.type:
        return this.put(record.key, (data as AiModelState).tenantId, 'models', data);
      case AiPolicyStateV1.type:
        return this.put(record.key, (data as AiPolicyState).tenantId, 'policies', data);
      case PromptStateV1.type:
        return this.put(record.key, (data as PromptState).tenantId, 'prompts', data);
    }
  }

  /** Rebuilds every changed tenant now and rebuilds later changes as they come (debounced). */
  flush(): void {
    this.live = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const tenants = [...this.dirty];
    this.dirty.clear();
    for (const tenantId of tenants) this.rebuild(tenantId);
    this.options.metrics.tenants.set(this.handlers.size);
  }

  /** Stops rebuilding and closes the provider connection pools. */
  async close(): Promise<void> {
    this.live = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.upstream.close();
  }

  /** The tenants `visible` admits, with what each serves and what is left out. */
  view(visible: (tenantId: string) => boolean): TenantAiView[] {
    return [...this.tenants.entries()]
      .filter(([tenantId]) => visible(tenantId))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tenantId, records]) => ({
        tenantId,
        serving: this.handlers.has(tenantId),
        providers: [...records.providers.values()].map((entry) => entry.state.providerId).sort(),
        models: [...records.models.values()].map((model) => model.name).sort(),
        policies: [...records.policies.values()].map((policy) => policy.model).sort(),
        prompts: [...records.prompts.values()].map((prompt) => prompt.routeId).sort(),
        skipped: this.skipped.get(tenantId) ?? [],
        buildError: this.buildErrors.get(tenantId) ?? null,
      }));
  }

  private async providerEntry(key: string, state: AiProviderState): Promise<ProviderEntry> {
    const previous = this.tenants.get(this.tenantOfKey.get(key) ?? '')?.providers.get(key);
    const jwe = state.credential?.jwe ?? null;
    if (previous !== undefined && previous.apiKey !== null && (previous.state.credential?.jwe ?? null) === jwe) {
      return { state, apiKey: previous.apiKey, credentialError: null };
    }
    try {
      return { state, apiKey: await this.options.credentials.open(state), credentialError: null };
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'the credential did not open';
      this.options.metrics.credentialErrors.inc();
      this.options.logger?.error({ providerId: state.providerId, tenantId: state.tenantId, reason }, 'AI provider credential did not open; the provider is left out');
      return { state, apiKey: null, credentialError: reason };
    }
  }

  private put(key: string, tenantId: string, bucket: Bucket, value: unknown): void {
    const before = this.tenantOfKey.get(key);
    if (before !== undefined && before !== tenantId) this.remove(key);
    let records = this.tenants.get(tenantId);
    if (records === undefined) {
      records = emptyTenantRecords();
      this.tenants.set(tenantId, records);
    }
    (records[bucket] as Map<string, unknown>).set(key, value);
    this.tenantOfKey.set(key, tenantId);
    this.changed(tenantId);
  }

  private remove(key: string): void {
    const tenantId = this.tenantOfKey.get(key);
    if (tenantId === undefined) return;
    this.tenantOfKey.delete(key);
    const records = this.tenants.get(tenantId)!;
    records.providers.delete(key);
    records.models.delete(key);
    records.policies.delete(key);
    records.prompts.delete(key);
    if (isEmpty(records)) this.tenants.delete(tenantId);
    this.changed(tenantId);
  }

  private changed(tenantId: string): void {
    this.dirty.add(tenantId);
    if (!this.live || this.timer !== null) return;
    this.timer = setTimeout(() => this.flush(), this.rebuildDelayMs);
    this.timer.unref();
  }

  private rebuild(tenantId: string): void {
    const records = this.tenants.get(tenantId);
    const built = records === undefined ? null : buildTenantAiConfig(records);
    if (built === null || built.config.providers.length === 0) {
      if (built === null) this.skipped.delete(tenantId);
      else this.skipped.set(tenantId, built.skipped);
      this.buildErrors.delete(tenantId);
      if (this.handlers.delete(tenantId)) this.options.metrics.builds.inc({ outcome: 'removed' });
      return;
    }
    this.skipped.set(tenantId, built.skipped);
    try {
      // Every tenant's handler shares one upstream client: the pools survive rebuilds.
      this.handlers.set(tenantId, createAiHandler(built.config, { ...this.options.handlerOptions, upstream: this.upstream, onAttempt: this.onAttempt }));
      this.buildErrors.delete(tenantId);
      this.options.metrics.builds.inc({ outcome: 'built' });
    } catch (error) {
      // The previous handler (if any) keeps serving; the message names paths, never a credential.
      const reason = error instanceof Error ? error.message : String(error);
      this.buildErrors.set(tenantId, reason);
      this.options.metrics.builds.inc({ outcome: 'failed' });
      this.options.logger?.error({ tenantId, reason }, 'AI configuration of a tenant was refused; the previous one keeps serving');
    }
  }
}
