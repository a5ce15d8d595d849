import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { forbidden } from '@gatehouse/platform';
import { actorOf } from '../admin/admin-access';
import { KeyMaterialService } from '../lifecycle/key-material.service';
import { RotateMasterKey } from './rotate-master-key.use-case';
import { StoredKeysCheck } from './stored-keys.check';

const platformOnly = (principal: AdminPrincipal) => {
  if (!principal.platformAdmin) throw forbidden('master-key operations are reserved to platform admins');
};

@ApiTags('admin: master key')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/master-key')
export class MasterKeyController {
  constructor(
    private readonly material: KeyMaterialService,
    private readonly stored: StoredKeysCheck,
    private readonly rotateMasterKey: RotateMasterKey,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Current master-key id and how many stored keys each master key wraps (platform admins)' })
  async status(@Principal() principal: AdminPrincipal) {
    platformOnly(principal);
    return { masterKeyId: this.material.masterKeyId, usage: await this.stored.usage() };
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-wrap every stored private key under the current (first) master key, in one transaction; older master keys can then be removed (platform admins)',
  })
  async rotate(@Principal() principal: AdminPrincipal) {
    platformOnly(principal);
    return this.rotateMasterKey.execute(actorOf(principal));
  }
}
