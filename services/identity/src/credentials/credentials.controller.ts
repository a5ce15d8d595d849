import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { CredentialsService } from './credentials.service';
import { type CreateJwks, createJwksSchema, type CreateSecret, createSecretSchema, credentialView } from './dto/credential.dto';

@ApiTags('credentials')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/tenants/:tenantId/applications/:applicationId/credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get()
  @ApiOperation({ summary: 'List client secrets (hint only) and registered key sets (viewer)' })
  async list(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('applicationId') applicationId: string) {
    return { items: (await this.credentials.list(principal, tenantId, applicationId)).map(credentialView) };
  }

  @Post('secrets')
  @ApiOperation({ summary: 'Generate a client secret; the answer is the only time it is shown (developer)' })
  @ApiZodBody(createSecretSchema)
  async createSecret(
    @Principal() principal: AdminPrincipal,
    @Param('tenantId') tenantId: string,
    @Param('applicationId') applicationId: string,
    @Body(new ZodPipe(createSecretSchema)) body: CreateSecret,
  ) {
    const { credential, secret } = await this.credentials.createSecret(principal, tenantId, applicationId, body);
    return { ...credentialView(credential), clientId: applicationId, clientSecret: secret };
  }

  @Post('jwks')
  @ApiOperation({ summary: 'Register public keys for private_key_jwt client authentication (developer)' })
  @ApiZodBody(createJwksSchema)
  async createJwks(
    @Principal() principal: AdminPrincipal,
    @Param('tenantId') tenantId: string,
    @Param('applicationId') applicationId: string,
    @Body(new ZodPipe(createJwksSchema)) body: CreateJwks,
  ) {
    return { ...credentialView(await this.credentials.createJwks(principal, tenantId, applicationId, body)), clientId: applicationId };
  }

  @Delete(':credentialId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a client secret or key set (developer)' })
  async revoke(
    @Principal() principal: AdminPrincipal,
    @Param('tenantId') tenantId: string,
    @Param('applicationId') applicationId: string,
    @Param('credentialId') credentialId: string,
  ) {
    await this.credentials.revoke(principal, tenantId, applicationId, credentialId);
  }
}
