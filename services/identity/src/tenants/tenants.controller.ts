import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { type CreateTenant, createTenantSchema, tenantView, type UpdateTenant, updateTenantSchema } from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @ApiOperation({ summary: "List tenants (platform admins: all; members: their own)" })
  async list(@Principal() principal: AdminPrincipal) {
    return { items: (await this.tenants.list(principal)).map(tenantView) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a tenant (platform admin)' })
  @ApiZodBody(createTenantSchema)
  async create(@Principal() principal: AdminPrincipal, @Body(new ZodPipe(createTenantSchema)) body: CreateTenant) {
    return tenantView(await this.tenants.create(principal, body));
  }

  @Get(':tenantId')
  @ApiOperation({ summary: 'Get a tenant' })
  async get(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string) {
    return tenantView(await this.tenants.visible(principal, tenantId));
  }

  @Patch(':tenantId')
  @ApiOperation({ summary: 'Rename, suspend or reactivate a tenant (platform admin)' })
  @ApiZodBody(updateTenantSchema)
  async update(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Body(new ZodPipe(updateTenantSchema)) body: UpdateTenant) {
    return tenantView(await this.tenants.update(principal, tenantId, body));
  }
}
