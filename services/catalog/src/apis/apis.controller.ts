import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { targetTenant, visibleApi } from '../common/access';
import { VersionsRepository } from '../versions/versions.repository';
import { canSeeVersion } from '../versions/version-access';
import { apiView } from './api.views';
import { ApisRepository } from './apis.repository';
import { CreateApiUseCase } from './create-api.use-case';
import { DeleteApiUseCase } from './delete-api.use-case';
import { type CreateApiInput, createApiSchema, type SearchApisInput, searchApisSchema, type UpdateApiInput, updateApiSchema } from './dto/api.dto';
import { UpdateApiUseCase } from './update-api.use-case';

@ApiTags('apis')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('apis')
export class ApisController {
  constructor(
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
    private readonly createApi: CreateApiUseCase,
    private readonly updateApi: UpdateApiUseCase,
    private readonly deleteApi: DeleteApiUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Search and browse the APIs the caller may see (text, tag, owner team, version state, visibility)' })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'tag', required: false })
  @ApiQuery({ name: 'teamId', required: false })
  @ApiQuery({ name: 'state', required: false, enum: ['draft', 'published', 'deprecated', 'retired'] })
  @ApiQuery({ name: 'visibility', required: false, enum: ['team', 'tenant', 'public'] })
  @ApiQuery({ name: 'tenant', required: false, description: 'Platform admins: one tenant' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async search(@Principal() principal: AdminPrincipal, @Query(new ZodPipe(searchApisSchema)) query: SearchApisInput) {
    // Without ?tenant= the listing spans what the caller may see, public APIs of other tenants included.
    const tenant = query.tenant ? targetTenant(principal, query.tenant) : null;
    const { items, total } = await this.apis.search(principal, tenant, query);
    const versions = await this.versions.summariesOf(items.map((api) => api.id));
    return {
      items: items.map((api) =>
        apiView(
          api,
          versions.filter((version) => version.apiId === api.id && canSeeVersion(principal, api, version)),
        ),
      ),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  @Post()
  @ApiOperation({ summary: 'Create an API owned by a team (needs admin in that team)' })
  @ApiZodBody(createApiSchema)
  async create(@Principal() principal: AdminPrincipal, @Body(new ZodPipe(createApiSchema)) body: CreateApiInput) {
    return apiView(await this.createApi.execute(principal, body), []);
  }

  @Get(':apiId')
  @ApiOperation({ summary: 'One API with its documentation and the versions the caller may see' })
  async get(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string) {
    const api = visibleApi(principal, await this.apis.findById(apiId), apiId);
    const versions = (await this.versions.summariesOf([api.id])).filter((version) => canSeeVersion(principal, api, version));
    return apiView(api, versions, { docs: true });
  }

  @Patch(':apiId')
  @ApiOperation({ summary: 'Change an API (needs admin in the owning team)' })
  @ApiZodBody(updateApiSchema)
  async update(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Body(new ZodPipe(updateApiSchema)) body: UpdateApiInput) {
    return apiView(await this.updateApi.execute(principal, apiId, body), undefined, { docs: true });
  }

  @Delete(':apiId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an API whose versions are all draft or retired; tombstones its routes, plans and subscriptions' })
  async remove(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string) {
    await this.deleteApi.execute(principal, apiId);
  }
}
