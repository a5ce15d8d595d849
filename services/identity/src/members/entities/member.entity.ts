import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MemberStatus = 'active' | 'disabled';

@Entity({ name: 'members' })
export class Member {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** Lower-cased; unique across the platform (it is the login name). */
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  /** `scrypt$<log2N>$<r>$<p>$<salt>$<hash>`, never the password. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ name: 'platform_admin', type: 'boolean' })
  platformAdmin!: boolean;

  @Column({ type: 'text' })
  status!: MemberStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
