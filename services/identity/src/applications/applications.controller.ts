import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { SubscriptionIndex } from '../catalog/subscription-index';
import { ApplicationLifecycleService } from './application-lifecycle.service';
import { ApplicationsService } from './applications.service';
import { applicationView, type CreateApplication, createApplicationSchema, type UpdateApplication, updateApplicationSchema } from './dto/application.dto';

@ApiTags('applications')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/tenants/:tenantId/applications')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly lifecycle: ApplicationLifecycleService,
    private readonly subscriptions: SubscriptionIndex,
  ) {}

  @Get()
  @ApiOperation({ summary: "List applications (of the caller's teams; all for platform admins)" })
  async list(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string) {
    return { items: (await this.applications.list(principal, tenantId)).map(applicationView) };
  }

  @Post()
  @ApiOperation({ summary: 'Create an application (OAuth client) in a team (developer)' })
  @ApiZodBody(createApplicationSchema)
  async create(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Body(new ZodPipe(createApplicationSchema)) body: CreateApplication) {
    return applicationView(await this.applications.create(principal, tenantId, body));
  }

  @Get(':applicationId')
  @ApiOperation({ summary: 'Get an application (viewer)' })
  async get(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string) {
    return applicationView(await this.applications.authorized(principal, tenantId, applicationId, 'viewer', 'reading an application'));
  }

  @Patch(':applicationId')
  @ApiOperation({ summary: 'Change name, allowed scopes or the encryption requirement (admin)' })
  @ApiZodBody(updateApplicationSchema)
  async update(
    @Principal() principal: AdminPrincipal,
    @Param('tenantId') tenantId: string,
    @Param('applicationId') applicationId: string,
    @Body(new ZodPipe(updateApplicationSchema)) body: UpdateApplication,
  ) {
    return applicationView(await this.applications.update(principal, tenantId, applicationId, body));
  }

  @Delete(':applicationId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an application: credentials and API keys revoked, tokens refused everywhere (admin)' })
  async delete(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string) {
    await this.lifecycle.delete(principal, tenantId, applicationId);
  }

  @Post(':applicationId/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend an application: its tokens and API keys stop working at every gateway (admin)' })
  async suspend(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string) {
    return applicationView(await this.lifecycle.suspend(principal, tenantId, applicationId));
  }

  @Post(':applicationId/reactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reactivate a suspended application (admin)' })
  async reactivate(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string) {
    return applicationView(await this.lifecycle.reactivate(principal, tenantId, applicationId));
  }

  @Post(':applicationId/revoke-tokens')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke every token issued to the application until now (admin)' })
  async revokeTokens(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string) {
    const state = await this.lifecycle.revokeTokens(principal, tenantId, applicationId);
    return { revocationId: state.revocationId, issuedBefore: state.issuedBefore };
  }

  @Get(':applicationId/subscriptions')
  @ApiOperation({ summary: 'Approved subscriptions the application can get tokens for, as identity knows them from the catalog (viewer)' })
  async subscriptionsOf(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string) {
    await this.applications.authorized(principal, tenantId, applicationId, 'viewer', 'reading an application');
    return {
      items: this.subscriptions.subscriptionsOf(applicationId).map((subscription) => ({
        subscriptionId: subscription.subscriptionId,
        apiId: subscription.apiId,
        audience: subscription.audience,
        scopes: subscription.scopes,
        status: subscription.status,
      })),
    };
  }
}
