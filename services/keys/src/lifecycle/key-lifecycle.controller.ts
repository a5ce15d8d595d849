import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { actorOf, assertMayManage } from '../admin/admin-access';
import { type RevokeKeyInput, revokeKeySchema } from '../key-sets/dto/key-set.dto';
import { KeySetLookup } from '../key-sets/key-set.lookup';
import { RevokeKey } from './revoke-key.use-case';
import { RotateKeySet } from './rotate-key-set.use-case';

@ApiTags('admin: rotation')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/key-sets/:keySetId')
export class KeyLifecycleController {
  constructor(
    private readonly lookup: KeySetLookup,
    private readonly rotate: RotateKeySet,
    private readonly revoke: RevokeKey,
  ) {}

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate now: the pre-published key takes over at once if every JWKS cache already holds it, otherwise at the earliest safe instant (status "scheduled")',
  })
  async rotateNow(@Principal() principal: AdminPrincipal, @Param('keySetId') keySetId: string) {
    const set = await this.lookup.set(principal, keySetId);
    assertMayManage(principal);
    return this.rotate.execute(set, actorOf(principal));
  }

  @Post('keys/:kid/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Emergency revocation: the key is refused everywhere at once; if it was active, the pre-published key takes over' })
  @ApiZodBody(revokeKeySchema)
  async revokeKey(@Principal() principal: AdminPrincipal, @Param('keySetId') keySetId: string, @Param('kid') kid: string, @Body(new ZodPipe(revokeKeySchema)) body: RevokeKeyInput) {
    const { set } = await this.lookup.key(principal, keySetId, kid);
    assertMayManage(principal);
    return this.revoke.execute(set, kid, body.reason, actorOf(principal));
  }
}
