import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AiCapability = 'chat' | 'embeddings' | 'tools' | 'vision' | 'json';

export interface ModelPrices {
  input: number;
  output: number;
  cached: number | null;
  currency: string;
}

/** A model clients can ask for by name, served by a provider, with its prices per million tokens. */
@Entity({ name: 'ai_models' })
export class AiModelEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'team_id', type: 'text' })
  teamId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Column({ name: 'upstream_model', type: 'text' })
  upstreamModel!: string;

  @Column({ name: 'context_window', type: 'integer' })
  contextWindow!: number;

  @Column({ name: 'max_output_tokens', type: 'integer', nullable: true })
  maxOutputTokens!: number | null;

  @Column({ type: 'text', array: true })
  capabilities!: AiCapability[];

  /** null: no price; usage of the model is flagged unpriced. */
  @Column({ type: 'jsonb', nullable: true })
  prices!: ModelPrices | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
