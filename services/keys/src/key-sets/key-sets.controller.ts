import { Body, Controller, Get, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, badRequest, ZodPipe } from '@gatehouse/platform';
import type { z } from 'zod';
import { actorOf, assertMayManage, targetTenant } from '../admin/admin-access';
import { ChangeKeySetPolicy } from './change-key-set-policy.use-case';
import { CreateKeySet } from './create-key-set.use-case';
import { type CreateKeySetInput, createKeySetSchema, type PolicyPatch, policyPatchSchema } from './dto/key-set.dto';
import { keyListQuerySchema, tenantQuerySchema } from './dto/key-set-query.dto';
import { keySetView, keyView } from './key-set.views';
import { KeySetLookup } from './key-set.lookup';
import { KeySetsRepository } from './key-sets.repository';

@ApiTags('admin: key sets')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/key-sets')
export class KeySetsController {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly lookup: KeySetLookup,
    private readonly createKeySet: CreateKeySet,
    private readonly changePolicy: ChangeKeySetPolicy,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List key sets: a platform admin sees all (or one tenant with ?tenant=, the platform with ?tenant=platform); a member sees its tenant' })
  @ApiQuery({ name: 'tenant', required: false })
  async list(@Principal() principal: AdminPrincipal, @Query(new ZodPipe(tenantQuerySchema)) query: z.infer<typeof tenantQuerySchema>) {
    const filter = principal.platformAdmin && query.tenant === undefined ? {} : { tenantId: targetTenant(principal, query.tenant) };
    const sets = await this.keys.listSets(filter);
    return { keySets: sets.map((set) => keySetView(set)) };
  }

  @Post()
  @ApiOperation({ summary: "Create a tenant's own key set for one purpose (its first key is pre-published and activates after the lead time; the platform set serves the tenant until then)" })
  @ApiZodBody(createKeySetSchema)
  async create(@Principal() principal: AdminPrincipal, @Body(new ZodPipe(createKeySetSchema)) body: CreateKeySetInput) {
    assertMayManage(principal);
    if (principal.platformAdmin && body.tenantId === undefined) throw badRequest('tenantId is required: the platform sets exist already; name the tenant the set is for');
    const tenantId = targetTenant(principal, body.tenantId)!;
    const { set, keys } = await this.createKeySet.execute(tenantId, body, actorOf(principal));
    return { ...keySetView(set, keys), keys: keys.map(keyView) };
  }

  @Get(':keySetId')
  @ApiOperation({ summary: 'A key set with its policy and its current active and pending key ids' })
  async get(@Principal() principal: AdminPrincipal, @Param('keySetId') keySetId: string) {
    const set = await this.lookup.set(principal, keySetId);
    return keySetView(set, await this.keys.keysOfSet(set.id, { states: ['active', 'pending'] }));
  }

  @Patch(':keySetId/policy')
  @ApiOperation({ summary: 'Change the rotation policy (algorithm, period, lead time, retire window, destruction grace)' })
  @ApiZodBody(policyPatchSchema)
  async patchPolicy(@Principal() principal: AdminPrincipal, @Param('keySetId') keySetId: string, @Body(new ZodPipe(policyPatchSchema)) body: PolicyPatch) {
    const set = await this.lookup.set(principal, keySetId);
    assertMayManage(principal);
    const updated = await this.changePolicy.execute(set, body, actorOf(principal));
    return keySetView(updated, await this.keys.keysOfSet(set.id, { states: ['active', 'pending'] }));
  }

  @Get(':keySetId/keys')
  @ApiOperation({ summary: 'Keys of a set: public JWK, state and dates (never private material)' })
  @ApiQuery({ name: 'state', required: false })
  async keysOf(@Principal() principal: AdminPrincipal, @Param('keySetId') keySetId: string, @Query(new ZodPipe(keyListQuerySchema)) query: z.infer<typeof keyListQuerySchema>) {
    const set = await this.lookup.set(principal, keySetId);
    const keys = await this.keys.keysOfSet(set.id, query.state ? { states: [query.state] } : {});
    return { keys: keys.map(keyView) };
  }

  @Get(':keySetId/keys/:kid')
  @ApiOperation({ summary: 'One key of a set' })
  async key(@Principal() principal: AdminPrincipal, @Param('keySetId') keySetId: string, @Param('kid') kid: string) {
    return keyView((await this.lookup.key(principal, keySetId, kid)).key);
  }
}
