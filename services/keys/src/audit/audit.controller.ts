import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ZodPipe } from '@gatehouse/platform';
import { targetTenant } from '../admin/admin-access';
import { KeySetLookup } from '../key-sets/key-set.lookup';
import { AuditRepository } from './audit.repository';
import { type AuditQueryInput, auditQuerySchema } from './dto/audit-query.dto';

@ApiTags('admin: audit')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditRepository,
    private readonly lookup: KeySetLookup,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit log, newest first: who did what to which key set or key, and when (never key material)' })
  @ApiQuery({ name: 'tenant', required: false, description: 'platform admins: a tenant id, or "platform" for platform-wide entries' })
  @ApiQuery({ name: 'keySetId', required: false })
  @ApiQuery({ name: 'kid', required: false })
  @ApiQuery({ name: 'action', required: false, description: 'e.g. key.active, key.revoked, key-set.policy-changed, master-key.rotated' })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'since', required: false })
  @ApiQuery({ name: 'until', required: false })
  @ApiQuery({ name: 'before', required: false, description: 'entry id to page backwards from' })
  @ApiQuery({ name: 'limit', required: false })
  async query(@Principal() principal: AdminPrincipal, @Query(new ZodPipe(auditQuerySchema)) query: AuditQueryInput) {
    if (query.keySetId) await this.lookup.set(principal, query.keySetId);
    const tenantId = principal.platformAdmin && query.tenant === undefined ? undefined : targetTenant(principal, query.tenant);
    const entries = await this.audit.query({ ...query, tenantId });
    return {
      entries: entries.map((entry) => ({
        id: entry.id,
        at: entry.at.toISOString(),
        actor: entry.actor,
        actorTenantId: entry.actorTenantId,
        action: entry.action,
        tenantId: entry.tenantId,
        keySetId: entry.keySetId,
        kid: entry.kid,
        details: entry.details,
        correlationId: entry.correlationId,
      })),
      next: entries.length === query.limit ? entries[entries.length - 1]!.id : null,
    };
  }
}
