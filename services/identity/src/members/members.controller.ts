import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { membershipView } from '../teams/dto/team.dto';
import { type CreateMember, createMemberSchema, memberView, type UpdateMember, updateMemberSchema } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/tenants/:tenantId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOperation({ summary: 'List the members of a tenant' })
  async list(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string) {
    return { items: (await this.members.list(principal, tenantId)).map(memberView) };
  }

  @Post()
  @ApiOperation({ summary: 'Add a member (tenant owner or platform admin), optionally with team roles' })
  @ApiZodBody(createMemberSchema)
  async create(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Body(new ZodPipe(createMemberSchema)) body: CreateMember) {
    return memberView(await this.members.create(principal, tenantId, body));
  }

  @Get(':memberId')
  @ApiOperation({ summary: 'Get a member with their team roles' })
  async get(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('memberId') memberId: string) {
    const { member, memberships } = await this.members.get(principal, tenantId, memberId);
    return { ...memberView(member), teams: memberships.map(membershipView) };
  }

  @Patch(':memberId')
  @ApiOperation({ summary: 'Change display name or password (self or tenant owner), or disable a member (tenant owner)' })
  @ApiZodBody(updateMemberSchema)
  async update(
    @Principal() principal: AdminPrincipal,
    @Param('tenantId') tenantId: string,
    @Param('memberId') memberId: string,
    @Body(new ZodPipe(updateMemberSchema)) body: UpdateMember,
  ) {
    return memberView(await this.members.update(principal, tenantId, memberId, body));
  }

  @Delete(':memberId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member and end their sessions (tenant owner)' })
  async delete(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('memberId') memberId: string) {
    await this.members.delete(principal, tenantId, memberId);
  }
}
