import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { forbidden } from '@gatehouse/platform';
import { CredentialKeys } from './credential-keys.service';
import { ProviderCredentials } from './provider-credentials.service';

@ApiTags('ai: master key')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('ai/master-key')
export class MasterKeyController {
  constructor(
    private readonly keys: CredentialKeys,
    private readonly credentials: ProviderCredentials,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Current master-key id and how many stored credentials each master key wraps (platform admins)' })
  async status(@Principal() principal: AdminPrincipal) {
    if (!principal.platformAdmin) throw forbidden('only platform admins see the master keys');
    return { current: this.credentials.masterKeyId, usage: await this.keys.usage() };
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-wrap every stored credential under the current (first) master key, in one transaction (platform admins)' })
  async rotate(@Principal() principal: AdminPrincipal) {
    if (!principal.platformAdmin) throw forbidden('only platform admins rotate the master key');
    const result = await this.keys.rotate();
    return { ...result, usage: await this.keys.usage() };
  }
}
