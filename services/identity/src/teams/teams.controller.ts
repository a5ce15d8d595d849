import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { type CreateTeam, createTeamSchema, type Membership, membershipSchema, membershipView, teamView, updateTeamSchema } from './dto/team.dto';
import { TeamsService } from './teams.service';

@ApiTags('teams')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/tenants/:tenantId/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @ApiOperation({ summary: 'List the teams of a tenant' })
  async list(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string) {
    return { items: (await this.teams.list(principal, tenantId)).map(teamView) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a team (tenant owner or platform admin); the creating member becomes its owner' })
  @ApiZodBody(createTeamSchema)
  async create(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Body(new ZodPipe(createTeamSchema)) body: CreateTeam) {
    return teamView(await this.teams.create(principal, tenantId, body));
  }

  @Get(':teamId')
  @ApiOperation({ summary: 'Get a team' })
  async get(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('teamId') teamId: string) {
    return teamView(await this.teams.get(principal, tenantId, teamId));
  }

  @Patch(':teamId')
  @ApiOperation({ summary: 'Rename a team (owner)' })
  @ApiZodBody(updateTeamSchema)
  async rename(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('teamId') teamId: string, @Body(new ZodPipe(updateTeamSchema)) body: CreateTeam) {
    return teamView(await this.teams.rename(principal, tenantId, teamId, body));
  }

  @Delete(':teamId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a team that owns no applications (owner)' })
  async delete(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('teamId') teamId: string) {
    await this.teams.delete(principal, tenantId, teamId);
  }

  @Get(':teamId/members')
  @ApiOperation({ summary: 'List the members of a team with their roles' })
  async members(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('teamId') teamId: string) {
    return { items: (await this.teams.memberships(principal, tenantId, teamId)).map(membershipView) };
  }

  @Put(':teamId/members/:memberId')
  @ApiOperation({ summary: "Set a member's role in a team (admin; owner for the owner role)" })
  @ApiZodBody(membershipSchema)
  async setRole(
    @Principal() principal: AdminPrincipal,
    @Param('tenantId') tenantId: string,
    @Param('teamId') teamId: string,
    @Param('memberId') memberId: string,
    @Body(new ZodPipe(membershipSchema)) body: Membership,
  ) {
    return membershipView(await this.teams.setRole(principal, tenantId, teamId, memberId, body));
  }

  @Delete(':teamId/members/:memberId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member from a team (admin)' })
  async removeMember(@Principal() principal: AdminPrincipal, @Param('tenantId') tenantId: string, @Param('teamId') teamId: string, @Param('memberId') memberId: string) {
    await this.teams.removeMember(principal, tenantId, teamId, memberId);
  }
}
