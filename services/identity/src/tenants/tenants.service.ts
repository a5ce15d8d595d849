import { Injectable } from '@nestjs/common';
import { type AdminPrincipal, canAccessTenant } from '@gatehouse/auth';
import { TenantChangedV1 } from '@gatehouse/contracts';
import { Outbox } from '@gatehouse/messaging';
import { conflict, forbidden, notFound } from '@gatehouse/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { ClientRegistry } from '../credentials/client-registry';
import { EVENT_SOURCE } from '../tokens/revocations.service';
import type { CreateTenant, UpdateTenant } from './dto/tenant.dto';
import { Tenant } from './entities/tenant.entity';
import { TenantsRepository } from './tenants.repository';

@Injectable()
export class TenantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly clients: ClientRegistry,
    private readonly clock: Clock,
  ) {}

  /** The tenant, when the principal may see it; 404 otherwise (the 404 rule). */
  async visible(principal: AdminPrincipal, tenantId: string): Promise<Tenant> {
    const tenant = canAccessTenant(principal, tenantId) ? await this.tenants.find(tenantId) : null;
    if (!tenant) throw notFound('tenant', tenantId);
    return tenant;
  }

  list(principal: AdminPrincipal): Promise<Tenant[]> {
    return this.tenants.list(principal.platformAdmin ? null : [principal.tenantId]);
  }

  async create(principal: AdminPrincipal, input: CreateTenant): Promise<Tenant> {
    if (!principal.platformAdmin) throw forbidden('creating tenants needs platform admin');
    const created = await this.dataSource.transaction(async (manager) => {
      const tenant = await this.ensure(manager, input.id, input.name);
      return tenant.created ? tenant.tenant : null;
    });
    if (!created) throw conflict(`tenant ${input.id} already exists`);
    return created;
  }

  /** Creates the tenant unless it exists (bootstrap); emits TenantChangedV1 when created. */
  async ensure(manager: EntityManager, id: string, name: string): Promise<{ tenant: Tenant; created: boolean }> {
    const now = this.clock.date();
    const tenant = Object.assign(new Tenant(), { id, name, status: 'active', createdAt: now, updatedAt: now });
    const created = await this.tenants.insertIfAbsent(manager, tenant);
    if (created) await Outbox.add(manager, TenantChangedV1, { tenantId: id, name, status: 'active', at: now.toISOString() }, { source: EVENT_SOURCE });
    return { tenant: created ? tenant : (await this.tenants.find(id, manager))!, created };
  }

  async update(principal: AdminPrincipal, tenantId: string, input: UpdateTenant): Promise<Tenant> {
    await this.visible(principal, tenantId);
    if (!principal.platformAdmin) throw forbidden('changing a tenant needs platform admin');
    const tenant = await this.dataSource.transaction(async (manager) => {
      const current = (await this.tenants.find(tenantId, manager))!;
      const now = this.clock.date();
      Object.assign(current, { ...(input.name ? { name: input.name } : {}), ...(input.status ? { status: input.status } : {}), updatedAt: now });
      await this.tenants.save(manager, current);
      await Outbox.add(manager, TenantChangedV1, { tenantId, name: current.name, status: current.status, at: now.toISOString() }, { source: EVENT_SOURCE });
      return current;
    });
    // Tenant status gates every client of the tenant; cached records must not outlive the change.
    this.clients.invalidateAll();
    return tenant;
  }
}
