import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ApplicationStatus = 'active' | 'suspended' | 'deleted';

/** An OAuth client; its id is the `client_id`. */
@Entity({ name: 'applications' })
export class Application {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'team_id', type: 'text' })
  teamId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: ApplicationStatus;

  @Column({ name: 'require_encrypted_tokens', type: 'boolean' })
  requireEncryptedTokens!: boolean;

  @Column({ name: 'allowed_scopes', type: 'jsonb' })
  allowedScopes!: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
