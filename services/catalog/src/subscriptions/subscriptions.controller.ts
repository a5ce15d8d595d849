import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import type { z } from 'zod';
import { ApisRepository } from '../apis/apis.repository';
import { targetTenant, visibleApi } from '../common/access';
import { ChangeSubscriptionUseCase, visibleSubscription } from './change-subscription.use-case';
import { decisionSchema, type ListSubscriptionsInput, listSubscriptionsSchema, type SubscribeInput, subscribeSchema } from './dto/subscription.dto';
import { SubscribeUseCase } from './subscribe.use-case';
import type { SubscriptionAction } from './subscription-rules';
import { subscriptionView } from './subscription.views';
import { SubscriptionsRepository } from './subscriptions.repository';

type Decision = z.infer<typeof decisionSchema>;
const optionalDecision = new ZodPipe(decisionSchema.optional());

@ApiTags('subscriptions')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller()
export class SubscriptionsController {
  constructor(
    private readonly apis: ApisRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly subscribe: SubscribeUseCase,
    private readonly change: ChangeSubscriptionUseCase,
  ) {}

  @Post('apis/:apiId/subscriptions')
  @ApiOperation({ summary: 'Subscribe an application (needs admin in its team) under a plan: pending, or approved at once when the API auto-approves' })
  @ApiZodBody(subscribeSchema)
  async create(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Body(new ZodPipe(subscribeSchema)) body: SubscribeInput) {
    return subscriptionView(await this.subscribe.execute(principal, apiId, body));
  }

  @Get('apis/:apiId/subscriptions')
  @ApiOperation({ summary: 'Subscriptions to an API the caller may see (owning team: all; subscribers: their own)' })
  async ofApi(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Query(new ZodPipe(listSubscriptionsSchema)) query: ListSubscriptionsInput) {
    const api = visibleApi(principal, await this.apis.findById(apiId), apiId);
    const { items, total } = await this.subscriptions.list(principal, null, { ...query, apiId: api.id });
    return { items: items.map(subscriptionView), total, limit: query.limit, offset: query.offset };
  }

  @Get('subscriptions')
  @ApiOperation({ summary: "Subscriptions of the caller's teams' APIs and applications" })
  @ApiQuery({ name: 'apiId', required: false })
  @ApiQuery({ name: 'applicationId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'approved', 'rejected', 'revoked', 'cancelled'] })
  @ApiQuery({ name: 'tenant', required: false })
  async list(@Principal() principal: AdminPrincipal, @Query(new ZodPipe(listSubscriptionsSchema)) query: ListSubscriptionsInput) {
    const tenant = query.tenant ? targetTenant(principal, query.tenant) : null;
    const { items, total } = await this.subscriptions.list(principal, tenant, query);
    return { items: items.map(subscriptionView), total, limit: query.limit, offset: query.offset };
  }

  @Get('subscriptions/:subscriptionId')
  async get(@Principal() principal: AdminPrincipal, @Param('subscriptionId') subscriptionId: string) {
    const subscription = await this.subscriptions.findById(subscriptionId);
    const api = subscription ? await this.apis.findById(subscription.apiId) : null;
    return subscriptionView(visibleSubscription(principal, subscription, api, subscriptionId));
  }

  @Post('subscriptions/:subscriptionId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'pending → approved (the API owner team)' })
  @ApiZodBody(decisionSchema)
  approve(@Principal() principal: AdminPrincipal, @Param('subscriptionId') id: string, @Body(optionalDecision) body?: Decision) {
    return this.decide(principal, id, 'approve', body);
  }

  @Post('subscriptions/:subscriptionId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'pending → rejected (the API owner team)' })
  @ApiZodBody(decisionSchema)
  reject(@Principal() principal: AdminPrincipal, @Param('subscriptionId') id: string, @Body(optionalDecision) body?: Decision) {
    return this.decide(principal, id, 'reject', body);
  }

  @Post('subscriptions/:subscriptionId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'approved → revoked (the API owner team)' })
  @ApiZodBody(decisionSchema)
  revoke(@Principal() principal: AdminPrincipal, @Param('subscriptionId') id: string, @Body(optionalDecision) body?: Decision) {
    return this.decide(principal, id, 'revoke', body);
  }

  @Post('subscriptions/:subscriptionId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'pending or approved → cancelled (the application owner team)' })
  @ApiZodBody(decisionSchema)
  cancel(@Principal() principal: AdminPrincipal, @Param('subscriptionId') id: string, @Body(optionalDecision) body?: Decision) {
    return this.decide(principal, id, 'cancel', body);
  }

  private async decide(principal: AdminPrincipal, id: string, action: SubscriptionAction, body: Decision | undefined) {
    return subscriptionView(await this.change.execute(principal, id, action, body?.reason));
  }
}
