import { Column, Entity, PrimaryColumn } from 'typeorm';

export type Visibility = 'team' | 'tenant' | 'public';

/** `http` proxies to upstreams; `ai` serves the OpenAI-compatible surface; `prompt` serves saved prompts. */
export type ApiKind = 'http' | 'ai' | 'prompt';

@Entity({ name: 'apis' })
export class ApiEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'team_id', type: 'text' })
  teamId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  slug!: string;

  /** Fixed at creation; every version has the same kind. */
  @Column({ type: 'text', default: 'http' })
  kind!: ApiKind;

  @Column({ type: 'text' })
  description!: string;

  /** Markdown documentation. */
  @Column({ type: 'text' })
  docs!: string;

  @Column({ type: 'text', array: true })
  tags!: string[];

  @Column({ type: 'text' })
  visibility!: Visibility;

  @Column({ type: 'text' })
  audience!: string;

  @Column({ name: 'require_encrypted_tokens', type: 'boolean' })
  requireEncryptedTokens!: boolean;

  @Column({ name: 'auto_approve', type: 'boolean' })
  autoApprove!: boolean;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
