import { Injectable } from '@nestjs/common';
import type { KeyPurpose, KeyStateName } from '@gatehouse/contracts';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { KeyEntity } from './entities/key.entity';
import { KeySetEntity } from './entities/key-set.entity';

/** States whose public key is in the JWKS. */
export const publishedStates: readonly KeyStateName[] = ['pending', 'active', 'retiring'];

/** Key sets and their keys: the only class that touches their tables. */
@Injectable()
export class KeySetsRepository {
  private readonly schema: string;
  private readonly announced = new WeakSet<EntityManager>();
  private readonly committedListeners = new Set<() => void>();

  constructor(private readonly dataSource: DataSource) {
    this.schema = (dataSource.options as { schema: string }).schema;
  }

  /** Channel on which every committed key change is announced (JWKS caches, admin key ring). */
  get changeChannel(): string {
    return `keys_changed_${this.schema}`.slice(0, 63);
  }

  /** Runs `work` in a transaction; once it commits with an announced change, local listeners hear of it at once. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let changed = false;
    const result = await this.dataSource.transaction(async (manager) => {
      const value = await work(manager);
      changed = this.announced.has(manager);
      return value;
    });
    if (changed) for (const listener of this.committedListeners) listener();
    return result;
  }

  /** Called after each local transaction that announced a key change has committed. */
  onCommittedChange(listener: () => void): void {
    this.committedListeners.add(listener);
  }

  /** Takes the lifecycle lock of this schema for the transaction; false when another holder has it. */
  async tryLockLifecycle(manager: EntityManager): Promise<boolean> {
    const [row] = await manager.query('select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as locked', [this.lockName]);
    return row.locked === true;
  }

  /** Waits for the lifecycle lock (admin operations queue behind a running tick). */
  async lockLifecycle(manager: EntityManager): Promise<void> {
    await manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [this.lockName]);
  }

  /** Announces a key change; Postgres delivers it only if the transaction commits. */
  async announceChange(manager: EntityManager, keySetId: string): Promise<void> {
    this.announced.add(manager);
    await manager.query('select pg_notify($1, $2)', [this.changeChannel, keySetId]);
  }

  private get lockName(): string {
    return `gatehouse:keys:lifecycle:${this.schema}`;
  }

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  listSets(filter: { tenantId?: string | null } = {}, manager?: EntityManager): Promise<KeySetEntity[]> {
    const where = filter.tenantId === undefined ? {} : { tenantId: filter.tenantId === null ? IsNull() : filter.tenantId };
    return this.manager(manager).find(KeySetEntity, { where, order: { tenantId: 'ASC', purpose: 'ASC' } });
  }

  findSet(id: string, manager?: EntityManager): Promise<KeySetEntity | null> {
    return this.manager(manager).findOneBy(KeySetEntity, { id });
  }

  findSetFor(purpose: KeyPurpose, tenantId: string | null, manager?: EntityManager): Promise<KeySetEntity | null> {
    return this.manager(manager).findOneBy(KeySetEntity, { purpose, tenantId: tenantId === null ? IsNull() : tenantId });
  }

  /** Inserts a set unless one exists for its purpose and tenant; returns whether it was inserted. */
  async insertSet(manager: EntityManager, set: KeySetEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(KeySetEntity)
      .values(set)
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  saveSet(manager: EntityManager, set: KeySetEntity): Promise<KeySetEntity> {
    return manager.save(KeySetEntity, set);
  }

  keysOfSet(keySetId: string, options: { states?: readonly KeyStateName[]; manager?: EntityManager } = {}): Promise<KeyEntity[]> {
    const where = options.states ? { keySetId, state: In([...options.states]) } : { keySetId };
    return this.manager(options.manager).find(KeyEntity, { where, order: { createdAt: 'ASC', kid: 'ASC' } });
  }

  /** Keys that still carry wrapped material (for master-key rotation). */
  wrappedKeys(manager: EntityManager): Promise<KeyEntity[]> {
    return manager.createQueryBuilder(KeyEntity, 'k').where('k.wrapped_private_key is not null').orderBy('k.kid').setLock('pessimistic_write').getMany();
  }

  /** Master-key ids in use, with their key counts. */
  async masterKeyUsage(manager?: EntityManager): Promise<Array<{ masterKeyId: string; keys: number }>> {
    const rows: Array<{ master_key_id: string; keys: string }> = await this.manager(manager).query(
      `select "master_key_id", count(*) as "keys" from "${this.schema}"."keys" where "master_key_id" is not null group by "master_key_id" order by "master_key_id"`,
    );
    return rows.map((row) => ({ masterKeyId: row.master_key_id, keys: Number(row.keys) }));
  }

  findKey(keySetId: string, kid: string, manager?: EntityManager): Promise<KeyEntity | null> {
    return this.manager(manager).findOneBy(KeyEntity, { keySetId, kid });
  }

  insertKey(manager: EntityManager, key: KeyEntity): Promise<KeyEntity> {
    return manager.save(KeyEntity, manager.create(KeyEntity, key));
  }

  saveKey(manager: EntityManager, key: KeyEntity): Promise<KeyEntity> {
    return manager.save(KeyEntity, key);
  }

  /** Published keys of the given sets: signing before encryption, then active, pending, retiring (newest first within a state). */
  async publishedKeysOf(keySetIds: readonly string[]): Promise<KeyEntity[]> {
    if (keySetIds.length === 0) return [];
    const keys = await this.dataSource.manager.find(KeyEntity, { where: { keySetId: In([...keySetIds]), state: In([...publishedStates]) } });
    const rank = { active: 0, pending: 1, retiring: 2 } as Record<KeyStateName, number>;
    const use = (key: KeyEntity) => (key.publicJwk.use === 'sig' ? 0 : 1);
    return keys.sort((a, b) => use(a) - use(b) || rank[a.state] - rank[b.state] || b.activatesAt.getTime() - a.activatesAt.getTime() || a.kid.localeCompare(b.kid));
  }

  /** When each set's first key became active (sets whose first key is still pending are absent). */
  async firstActivations(): Promise<Map<string, Date>> {
    const rows: Array<{ key_set_id: string; at: Date }> = await this.dataSource.query(
      `select "key_set_id", min("activates_at") as "at" from "${this.schema}"."keys" where "state" = 'active' or "retires_at" is not null group by "key_set_id"`,
    );
    return new Map(rows.map((row) => [row.key_set_id, new Date(row.at)]));
  }

  /** The active and pending keys of every set, for the schedule metrics. */
  scheduledKeys(): Promise<KeyEntity[]> {
    return this.dataSource.manager.find(KeyEntity, { where: { state: In(['active', 'pending']) } });
  }

  /** Number of keys per set and state, for readiness and metrics. */
  async stateCounts(): Promise<Array<{ keySetId: string; state: KeyStateName; count: number }>> {
    const rows: Array<{ key_set_id: string; state: KeyStateName; count: string }> = await this.dataSource.query(
      `select "key_set_id", "state", count(*) as "count" from "${this.schema}"."keys" group by "key_set_id", "state"`,
    );
    return rows.map((row) => ({ keySetId: row.key_set_id, state: row.state, count: Number(row.count) }));
  }
}
