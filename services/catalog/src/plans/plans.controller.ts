import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, notFound, ZodPipe } from '@gatehouse/platform';
import { ApisRepository } from '../apis/apis.repository';
import { visibleApi } from '../common/access';
import { type CreatePlanInput, createPlanSchema, type UpdatePlanInput, updatePlanSchema } from './dto/plan.dto';
import { PlanManagementUseCase } from './plan-management.use-case';
import { planView } from './plan.views';
import { PlansRepository } from './plans.repository';

@ApiTags('plans')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('apis/:apiId/plans')
export class PlansController {
  constructor(
    private readonly apis: ApisRepository,
    private readonly plans: PlansRepository,
    private readonly management: PlanManagementUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Plans of an API (rate limits and quotas)' })
  async list(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string) {
    const api = visibleApi(principal, await this.apis.findById(apiId), apiId);
    return { items: (await this.plans.listOfApi(api.id)).map(planView) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a plan: rate limit per second or minute; quotas per day or month in requests, tokens or cost' })
  @ApiZodBody(createPlanSchema)
  async create(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Body(new ZodPipe(createPlanSchema)) body: CreatePlanInput) {
    return planView(await this.management.create(principal, apiId, body));
  }

  @Get(':planId')
  async get(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('planId') planId: string) {
    const api = visibleApi(principal, await this.apis.findById(apiId), apiId);
    const plan = await this.plans.findOfApi(api.id, planId);
    if (!plan) throw notFound('plan', planId);
    return planView(plan);
  }

  @Patch(':planId')
  @ApiZodBody(updatePlanSchema)
  async update(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('planId') planId: string, @Body(new ZodPipe(updatePlanSchema)) body: UpdatePlanInput) {
    return planView(await this.management.update(principal, apiId, planId, body));
  }

  @Delete(':planId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Archive a plan without open subscriptions (tombstoned on the plan topic)' })
  async archive(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('planId') planId: string) {
    await this.management.archive(principal, apiId, planId);
  }
}
