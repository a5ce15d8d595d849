import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface PolicyTarget {
  providerId: string;
  modelId: string;
  weight: number;
}

/** How one model name is routed: weighted primaries, ordered fallbacks, retries and timeout. */
@Entity({ name: 'ai_policies' })
export class AiPolicyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'team_id', type: 'text' })
  teamId!: string;

  /** The model name clients send. */
  @Column({ type: 'text' })
  model!: string;

  @Column({ type: 'jsonb' })
  targets!: PolicyTarget[];

  @Column({ type: 'integer' })
  retries!: number;

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
