import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { ApiKeysService } from './api-keys.service';
import { apiKeyView, type CreateApiKey, createApiKeySchema } from './dto/api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/tenants/:tenantId/applications/:applicationId/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List API keys (prefix only) (viewer)' })
  async list(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string) {
    return { items: (await this.apiKeys.list(principal, tenantId, applicationId)).map(apiKeyView) };
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key; the answer is the only time it is shown (developer)' })
  @ApiZodBody(createApiKeySchema)
  async create(
    @Principal() principal: AdminPrincipal,
    @Param('tenantId') tenantId: string,
    @Param('applicationId') applicationId: string,
    @Body(new ZodPipe(createApiKeySchema)) body: CreateApiKey,
  ) {
    const { key, secret } = await this.apiKeys.create(principal, tenantId, applicationId, body);
    return { ...apiKeyView(key), apiKey: secret };
  }

  @Delete(':apiKeyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (developer)' })
  async revoke(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string, @Param('apiKeyId') apiKeyId: string) {
    await this.apiKeys.revoke(principal, tenantId, applicationId, apiKeyId);
  }
}
