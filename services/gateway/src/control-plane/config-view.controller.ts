import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { configView } from './config-view';
import { GatewayRuntime } from './gateway-runtime';

@ApiTags('admin: gateway')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('config')
export class ConfigViewController {
  constructor(private readonly runtime: GatewayRuntime) {}

  @Get()
  @ApiOperation({ summary: 'What this gateway replica loaded from the state topics: counts and ids, tenant-scoped' })
  view(@Principal() principal: AdminPrincipal) {
    return configView(this.runtime, principal);
  }
}
