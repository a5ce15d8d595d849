import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, ZodPipe } from '@gatehouse/platform';
import { targetTenant } from '../../common/access';
import { readableResource } from '../common/ai-access';
import { type TenantQuery, tenantQuerySchema } from '../common/tenant-query.dto';
import { type CreateModelInput, createModelSchema, type UpdateModelInput, updateModelSchema } from './dto/model.dto';
import { ManageModelUseCase } from './manage-model.use-case';
import { modelView } from './model.views';
import { ModelsRepository } from './models.repository';

@ApiTags('ai: models')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('ai/models')
export class ModelsController {
  constructor(
    private readonly models: ModelsRepository,
    private readonly manage: ManageModelUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'AI models of the tenant with their prices (priced: false when a model has none)' })
  @ApiQuery({ name: 'tenant', required: false })
  async list(@Principal() principal: AdminPrincipal, @Query(new ZodPipe(tenantQuerySchema)) query: TenantQuery) {
    return { items: (await this.models.listOf(targetTenant(principal, query.tenant))).map(modelView) };
  }

  @Post()
  @ApiOperation({ summary: 'Add a model served by a provider, with its context window, capabilities and prices per million tokens' })
  @ApiZodBody(createModelSchema)
  async create(@Principal() principal: AdminPrincipal, @Body(new ZodPipe(createModelSchema)) body: CreateModelInput) {
    return modelView(await this.manage.create(principal, body));
  }

  @Get(':modelId')
  async get(@Principal() principal: AdminPrincipal, @Param('modelId') modelId: string) {
    return modelView(readableResource(principal, await this.models.findById(modelId), 'AI model', modelId));
  }

  @Patch(':modelId')
  @ApiOperation({ summary: 'Change a model (needs admin in the owning team); its name never changes' })
  @ApiZodBody(updateModelSchema)
  async update(@Principal() principal: AdminPrincipal, @Param('modelId') modelId: string, @Body(new ZodPipe(updateModelSchema)) body: UpdateModelInput) {
    return modelView(await this.manage.update(principal, modelId, body));
  }

  @Delete(':modelId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a model no policy or live prompt API uses; tombstones its state' })
  async remove(@Principal() principal: AdminPrincipal, @Param('modelId') modelId: string) {
    await this.manage.delete(principal, modelId);
  }
}
