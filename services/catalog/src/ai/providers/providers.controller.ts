import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { targetTenant } from '../../common/access';
import { readableResource } from '../common/ai-access';
import { type TenantQuery, tenantQuerySchema } from '../common/tenant-query.dto';
import { type CreateProviderInput, createProviderSchema, type UpdateProviderInput, updateProviderSchema } from './dto/provider.dto';
import { ManageProviderUseCase } from './manage-provider.use-case';
import { providerView } from './provider.views';
import { ProvidersRepository } from './providers.repository';

@ApiTags('ai: providers')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('ai/providers')
export class ProvidersController {
  constructor(
    private readonly providers: ProvidersRepository,
    private readonly manage: ManageProviderUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'AI providers of the tenant (credentials never shown: hasCredential and a fingerprint)' })
  @ApiQuery({ name: 'tenant', required: false })
  async list(@Principal() principal: AdminPrincipal, @Query(new ZodPipe(tenantQuerySchema)) query: TenantQuery) {
    return { items: (await this.providers.listOf(targetTenant(principal, query.tenant))).map(providerView) };
  }

  @Post()
  @ApiOperation({ summary: 'Add an AI provider; its credential is encrypted at rest and only ever leaves wrapped for the gateway' })
  @ApiZodBody(createProviderSchema)
  async create(@Principal() principal: AdminPrincipal, @Body(new ZodPipe(createProviderSchema)) body: CreateProviderInput) {
    return providerView(await this.manage.create(principal, body));
  }

  @Get(':providerId')
  async get(@Principal() principal: AdminPrincipal, @Param('providerId') providerId: string) {
    return providerView(readableResource(principal, await this.providers.findById(providerId), 'AI provider', providerId));
  }

  @Patch(':providerId')
  @ApiOperation({ summary: 'Change a provider or rotate its credential (needs admin in the owning team)' })
  @ApiZodBody(updateProviderSchema)
  async update(@Principal() principal: AdminPrincipal, @Param('providerId') providerId: string, @Body(new ZodPipe(updateProviderSchema)) body: UpdateProviderInput) {
    return providerView(await this.manage.update(principal, providerId, body));
  }

  @Delete(':providerId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a provider no model or policy uses; tombstones its state' })
  async remove(@Principal() principal: AdminPrincipal, @Param('providerId') providerId: string) {
    await this.manage.delete(principal, providerId);
  }
}
