import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { notFound } from '@gatehouse/platform';
import { visibleSet } from '../admin/admin-access';
import type { KeyEntity } from './entities/key.entity';
import type { KeySetEntity } from './entities/key-set.entity';
import { KeySetsRepository } from './key-sets.repository';

const setIdPattern = /^[A-Za-z0-9._-]{1,100}$/;

/** Finds sets and keys the way the admin API exposes them: 404 for unknown and for other tenants' alike. */
@Injectable()
export class KeySetLookup {
  constructor(private readonly keys: KeySetsRepository) {}

  async set(principal: AdminPrincipal, keySetId: string): Promise<KeySetEntity> {
    const set = setIdPattern.test(keySetId) ? await this.keys.findSet(keySetId) : null;
    return visibleSet(principal, set, keySetId);
  }

  async key(principal: AdminPrincipal, keySetId: string, kid: string): Promise<{ set: KeySetEntity; key: KeyEntity }> {
    const set = await this.set(principal, keySetId);
    const key = kid.length <= 100 ? await this.keys.findKey(set.id, kid) : null;
    if (!key) throw notFound(`key ${kid} in key set`, keySetId);
    return { set, key };
  }
}
