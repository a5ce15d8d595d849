import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { targetTenant } from '../../common/access';
import { readableResource } from '../common/ai-access';
import { type TenantQuery, tenantQuerySchema } from '../common/tenant-query.dto';
import { type CreatePolicyInput, createPolicySchema, type UpdatePolicyInput, updatePolicySchema } from './dto/policy.dto';
import { ManagePolicyUseCase } from './manage-policy.use-case';
import { policyView } from './policy.views';
import { PoliciesRepository } from './policies.repository';

@ApiTags('ai: policies')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('ai/policies')
export class PoliciesController {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly manage: ManagePolicyUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Routing policies of the tenant: weighted primaries, ordered fallbacks, retries and timeouts' })
  @ApiQuery({ name: 'tenant', required: false })
  async list(@Principal() principal: AdminPrincipal, @Query(new ZodPipe(tenantQuerySchema)) query: TenantQuery) {
    return { items: (await this.policies.listOf(targetTenant(principal, query.tenant))).map(policyView) };
  }

  @Post()
  @ApiOperation({ summary: 'Route a model name across provider keys: primaries share traffic by weight, fallbacks take over on 429, 5xx or timeout' })
  @ApiZodBody(createPolicySchema)
  async create(@Principal() principal: AdminPrincipal, @Body(new ZodPipe(createPolicySchema)) body: CreatePolicyInput) {
    return policyView(await this.manage.create(principal, body));
  }

  @Get(':policyId')
  async get(@Principal() principal: AdminPrincipal, @Param('policyId') policyId: string) {
    return policyView(readableResource(principal, await this.policies.findById(policyId), 'routing policy', policyId));
  }

  @Patch(':policyId')
  @ApiOperation({ summary: 'Change targets, retries or timeout (needs admin in the owning team)' })
  @ApiZodBody(updatePolicySchema)
  async update(@Principal() principal: AdminPrincipal, @Param('policyId') policyId: string, @Body(new ZodPipe(updatePolicySchema)) body: UpdatePolicyInput) {
    return policyView(await this.manage.update(principal, policyId, body));
  }

  @Delete(':policyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a policy; tombstones its state' })
  async remove(@Principal() principal: AdminPrincipal, @Param('policyId') policyId: string) {
    await this.manage.delete(principal, policyId);
  }
}
