import { Injectable } from '@nestjs/common';
import { currentCorrelationId } from '@gatehouse/observability';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from './actor';
import { AuditEntryEntity } from './entities/audit-entry.entity';

export interface AuditRecord {
  at: Date;
  actor: Actor;
  action: string;
  tenantId: string | null;
  keySetId?: string | null;
  kid?: string | null;
  /** Never key material: states, reasons, policy values, counts. */
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  /** `undefined`: every tenant (platform admins); null: platform entries only. */
  tenantId?: string | null;
  keySetId?: string;
  kid?: string;
  action?: string;
  actor?: string;
  since?: Date;
  until?: Date;
  /** Entries with an id below this one (paging backwards). */
  before?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    await manager.save(
      AuditEntryEntity,
      manager.create(AuditEntryEntity, {
      at: record.at,
      actor: record.actor.subject,
      actorTenantId: record.actor.tenantId,
      action: record.action,
      tenantId: record.tenantId,
      keySetId: record.keySetId ?? null,
      kid: record.kid ?? null,
      details: record.details ?? {},
      correlationId: currentCorrelationId() ?? null,
      }),
    );
  }

  /** Newest first. */
  query(query: AuditQuery): Promise<AuditEntryEntity[]> {
    const builder = this.dataSource.manager.createQueryBuilder(AuditEntryEntity, 'a');
    if (query.tenantId === null) builder.andWhere('a.tenant_id is null');
    else if (query.tenantId !== undefined) builder.andWhere('a.tenant_id = :tenantId', { tenantId: query.tenantId });
    if (query.keySetId) builder.andWhere('a.key_set_id = :keySetId', { keySetId: query.keySetId });
    if (query.kid) builder.andWhere('a.kid = :kid', { kid: query.kid });
    if (query.action) builder.andWhere('a.action = :action', { action: query.action });
    if (query.actor) builder.andWhere('a.actor = :actor', { actor: query.actor });
    if (query.since) builder.andWhere('a.at >= :since', { since: query.since });
    if (query.until) builder.andWhere('a.at < :until', { until: query.until });
    if (query.before) builder.andWhere('a.id < :before', { before: query.before });
    return builder.orderBy('a.id', 'DESC').limit(query.limit).getMany();
  }
}
