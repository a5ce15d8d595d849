import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, LessThan } from 'typeorm';
import { ClientAssertion } from './entities/client-assertion.entity';
import { Credential } from './entities/credential.entity';

@Injectable()
export class CredentialsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Credentials not revoked (expiry is checked by the caller against its clock). */
  liveOf(applicationId: string): Promise<Credential[]> {
    return this.dataSource.manager.findBy(Credential, { applicationId, revokedAt: IsNull() });
  }

  listOf(applicationId: string): Promise<Credential[]> {
    return this.dataSource.manager.find(Credential, { where: { applicationId }, order: { createdAt: 'ASC' } });
  }

  findOne(applicationId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<Credential | null> {
    return manager.findOneBy(Credential, { applicationId, id });
  }

  async insert(manager: EntityManager, credential: Credential): Promise<void> {
    await manager.insert(Credential, credential);
  }

  async revoke(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.update(Credential, { id, revokedAt: IsNull() }, { revokedAt: at });
  }

  async revokeAllOf(manager: EntityManager, applicationId: string, at: Date): Promise<Credential[]> {
    const live = await manager.findBy(Credential, { applicationId, revokedAt: IsNull() });
    await manager.update(Credential, { applicationId, revokedAt: IsNull() }, { revokedAt: at });
    return live;
  }

  /** Records an assertion's jti; false when it was already used (a replay). */
  async recordAssertion(clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `insert into "${this.schema}"."client_assertions" ("client_id", "jti", "expires_at") values ($1, $2, $3) on conflict do nothing returning 1`,
      [clientId, jti, expiresAt],
    )) as unknown[];
    return rows.length === 1;
  }

  async pruneAssertions(before: Date): Promise<void> {
    await this.dataSource.manager.delete(ClientAssertion, { expiresAt: LessThan(before) });
  }

  private get schema(): string {
    return (this.dataSource.options as { schema: string }).schema;
  }
}
