import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A private_key_jwt assertion already used; kept until it expires so it cannot be replayed. */
@Entity({ name: 'client_assertions' })
export class ClientAssertion {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  @PrimaryColumn({ type: 'text' })
  jti!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
