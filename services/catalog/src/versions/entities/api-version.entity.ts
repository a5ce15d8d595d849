import type { VersionState } from '@gatehouse/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PromptDefinition } from '../../ai/apis/prompt-definition';
import type { ApiKind } from '../../apis/entities/api.entity';

export interface UpstreamConfig {
  targets: Array<{ url: string; weight: number }>;
  loadBalancing: 'weighted-round-robin' | 'least-outstanding';
  timeouts: { connectMs: number; firstByteMs: number; totalMs: number };
  retries: { attempts: number; backoffMs: number };
}

export interface AuthPolicy {
  methods: Array<'bearer' | 'api_key'>;
  requireEncryptedToken: boolean;
  scopes: string[];
}

@Entity({ name: 'api_versions' })
export class ApiVersionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'api_id', type: 'uuid' })
  apiId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  state!: VersionState;

  @Column({ type: 'text', default: 'http' })
  kind!: ApiKind;

  /** The saved prompt of a `prompt` version; null for the other kinds. */
  @Column({ type: 'jsonb', nullable: true })
  prompt!: PromptDefinition | null;

  @Column({ name: 'base_path', type: 'text' })
  basePath!: string;

  /** Lowercase host, or null for any host. */
  @Column({ type: 'text', nullable: true })
  host!: string | null;

  @Column({ type: 'jsonb' })
  upstream!: UpstreamConfig;

  @Column({ type: 'jsonb' })
  auth!: AuthPolicy;

  @Column({ name: 'max_body_bytes', type: 'integer' })
  maxBodyBytes!: number;

  /** Plans of the API this version offers; null offers every plan. */
  @Column({ name: 'plan_ids', type: 'uuid', array: true, nullable: true })
  planIds!: string[] | null;

  @Column({ type: 'jsonb', nullable: true })
  openapi!: Record<string, unknown> | null;

  @Column({ name: 'openapi_format', type: 'text', nullable: true })
  openapiFormat!: 'json' | 'yaml' | null;

  /** Size in bytes of the document as it was submitted. */
  @Column({ name: 'openapi_size', type: 'integer', nullable: true })
  openapiSize!: number | null;

  @Column({ name: 'openapi_version', type: 'text', nullable: true })
  openapiVersion!: string | null;

  /** True when the routes were declared rather than derived from the document. */
  @Column({ name: 'routes_declared', type: 'boolean' })
  routesDeclared!: boolean;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'deprecated_at', type: 'timestamptz', nullable: true })
  deprecatedAt!: Date | null;

  @Column({ name: 'sunset_at', type: 'timestamptz', nullable: true })
  sunsetAt!: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
