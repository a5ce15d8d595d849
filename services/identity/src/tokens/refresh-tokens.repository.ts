import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { RefreshToken } from './entities/refresh-token.entity';

@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, row: RefreshToken): Promise<void> {
    await manager.insert(RefreshToken, row);
  }

  findByHash(hash: string): Promise<RefreshToken | null> {
    return this.dataSource.manager.findOneBy(RefreshToken, { tokenHash: hash });
  }

  /** Locks the row so that concurrent uses of one token serialize (the second one is reuse). */
  findByHashForUpdate(manager: EntityManager, hash: string): Promise<RefreshToken | null> {
    return manager.createQueryBuilder(RefreshToken, 'token').setLock('pessimistic_write').where('token.token_hash = :hash', { hash }).getOne();
  }

  async markRotated(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.update(RefreshToken, { id }, { rotatedAt: at });
  }

  /** Revokes every live token of a family; returns the family's rows (for their access tokens). */
  async revokeFamily(manager: EntityManager, familyId: string, at: Date): Promise<RefreshToken[]> {
    await manager.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: at });
    return manager.findBy(RefreshToken, { familyId });
  }

  async revokeByClient(manager: EntityManager, tenantId: string, clientId: string, at: Date): Promise<void> {
    await manager.update(RefreshToken, { tenantId, clientId, revokedAt: IsNull() }, { revokedAt: at });
  }

  async revokeBySubject(manager: EntityManager, tenantId: string, subject: string, at: Date): Promise<void> {
    await manager.update(RefreshToken, { tenantId, subject, revokedAt: IsNull() }, { revokedAt: at });
  }
}
