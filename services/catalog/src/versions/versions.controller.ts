import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type AdminPrincipal, AdminAuthGuard, Principal } from '@gatehouse/auth';
import { ApiZodBody, AppError, openApiSchema, ZodPipe } from '@gatehouse/platform';
import type { Request } from 'express';
import type { z } from 'zod';
import { AiVersionSurface } from '../ai/apis/ai-version-surface';
import { createAiVersionSchema, createPromptVersionSchema, updateAiVersionSchema, updatePromptVersionSchema } from '../ai/apis/dto/ai-version.dto';
import { ApisRepository } from '../apis/apis.repository';
import { EDIT_ROLE, manageableApi, visibleApi } from '../common/access';
import { CatalogSettings } from '../common/catalog-settings';
import { readDocumentBody } from '../common/raw-body';
import { CreateVersionUseCase } from './create-version.use-case';
import { DeleteVersionUseCase } from './delete-version.use-case';
import { DeprecateVersionUseCase } from './deprecate-version.use-case';
import { DiffVersionsQuery } from './diff-versions.query';
import {
  type CreateVersionInput,
  createVersionSchema,
  deprecateSchema,
  diffQuerySchema,
  publishSchema,
  type UpdateVersionInput,
  updateVersionSchema,
} from './dto/version.dto';
import { PublishVersionUseCase } from './publish-version.use-case';
import { RetireVersionUseCase } from './retire-version.use-case';
import { UpdateVersionUseCase } from './update-version.use-case';
import { canSeeVersion, visibleVersion } from './version-access';
import { versionView } from './version.views';
import { VersionsRepository } from './versions.repository';

@ApiTags('versions')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('apis/:apiId/versions')
export class VersionsController {
  constructor(
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
    private readonly settings: CatalogSettings,
    private readonly createVersion: CreateVersionUseCase,
    private readonly updateVersion: UpdateVersionUseCase,
    private readonly deleteVersion: DeleteVersionUseCase,
    private readonly publishVersion: PublishVersionUseCase,
    private readonly deprecateVersion: DeprecateVersionUseCase,
    private readonly retireVersion: RetireVersionUseCase,
    private readonly diffVersions: DiffVersionsQuery,
    private readonly aiSurface: AiVersionSurface,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Versions of an API (drafts only for the owning team)' })
  async list(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string) {
    const api = visibleApi(principal, await this.apis.findById(apiId), apiId);
    const versions = (await this.versions.listOfApi(api.id)).filter((version) => canSeeVersion(principal, api, version));
    return { items: await Promise.all(versions.map(async (version) => versionView(version, await this.versions.routesOf(version.id)))) };
  }

  @Post()
  @ApiOperation({
    summary:
      'Create a draft version: of an http API from an OpenAPI 3.0/3.1 document (JSON or YAML) and/or declared routes; of an ai API from its base path; of a prompt API from its prompt (the OpenAPI document is generated)',
  })
  @ApiBody({ schema: { oneOf: [createVersionSchema, createAiVersionSchema, createPromptVersionSchema].map(openApiSchema) } as never })
  async create(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Body() body: unknown) {
    // The body's shape depends on the API's kind; whoever may not edit the API learns nothing about it (404).
    const api = manageableApi(principal, await this.apis.findById(apiId), apiId, EDIT_ROLE);
    if (api.kind === 'http') {
      const { version, routes } = await this.createVersion.execute(principal, apiId, new ZodPipe(createVersionSchema).transform(body) as CreateVersionInput);
      return versionView(version, routes);
    }
    const { input, surface } = await this.aiSurface.forCreate(api, body);
    const { version, routes } = await this.createVersion.execute(principal, apiId, input, surface);
    return versionView(version, routes);
  }

  @Get(':version')
  async get(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string) {
    const api = visibleApi(principal, await this.apis.findById(apiId), apiId);
    const version = visibleVersion(principal, api, await this.versions.findByLabel(api.id, label), label);
    return versionView(version, await this.versions.routesOf(version.id));
  }

  @Patch(':version')
  @ApiOperation({ summary: 'Change a draft; once released only upstream, auth, maxBodyBytes and planIds can change (a prompt never: create a new version)' })
  @ApiBody({ schema: { oneOf: [updateVersionSchema, updateAiVersionSchema, updatePromptVersionSchema].map(openApiSchema) } as never })
  async update(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string, @Body() body: unknown) {
    const api = manageableApi(principal, await this.apis.findById(apiId), apiId, EDIT_ROLE);
    if (api.kind === 'http') {
      const { version, routes } = await this.updateVersion.execute(principal, apiId, label, new ZodPipe(updateVersionSchema).transform(body) as UpdateVersionInput);
      return versionView(version, routes);
    }
    const current = visibleVersion(principal, api, await this.versions.findByLabel(api.id, label), label);
    const { input, prompt } = await this.aiSurface.forUpdate(api, current, body);
    const { version, routes } = await this.updateVersion.execute(principal, apiId, label, input, prompt);
    return versionView(version, routes);
  }

  @Delete(':version')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a draft version' })
  async remove(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string) {
    await this.deleteVersion.execute(principal, apiId, label);
  }

  @Get(':version/openapi')
  @ApiOperation({ summary: 'The stored OpenAPI document (JSON)' })
  async document(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string) {
    const api = visibleApi(principal, await this.apis.findById(apiId), apiId);
    const version = visibleVersion(principal, api, await this.versions.findByLabel(api.id, label), label);
    if (!version.openapi) throw new AppError(404, 'not_found', `version ${label} has no OpenAPI document`);
    return version.openapi;
  }

  @Put(':version/openapi')
  @ApiOperation({ summary: 'Replace the OpenAPI document of a draft; send it raw as application/yaml, application/json or text/plain' })
  @ApiConsumes('application/yaml', 'application/json', 'text/plain')
  @ApiBody({ schema: { type: 'string' } })
  async upload(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string, @Req() request: Request) {
    // Refuse before reading up to OPENAPI_MAX_BYTES from someone who may not change the version.
    const api = manageableApi(principal, await this.apis.findById(apiId), apiId, EDIT_ROLE);
    visibleVersion(principal, api, await this.versions.findByLabel(api.id, label), label);
    if (api.kind !== 'http') {
      throw new AppError(409, 'generated_document', `the OpenAPI document of a${api.kind === 'ai' ? 'n ai' : ' prompt'} version is generated${api.kind === 'prompt' ? ' from its prompt and variables; change the prompt instead' : ''}`);
    }
    const openapi = await readDocumentBody(request, this.settings.openapiMaxBytes);
    const { version, routes } = await this.updateVersion.execute(principal, apiId, label, { openapi });
    return versionView(version, routes);
  }

  @Get(':version/diff')
  @ApiOperation({ summary: 'Breaking-change report of this version against another (removed operations, new required inputs, narrowed types, removed response fields...)' })
  @ApiQuery({ name: 'against', required: true })
  async diff(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string, @Query(new ZodPipe(diffQuerySchema)) query: z.infer<typeof diffQuerySchema>) {
    return this.diffVersions.execute(principal, apiId, label, query.against);
  }

  @Post(':version/publish')
  @HttpCode(200)
  @ApiOperation({ summary: 'draft → published; refuses colliding routes (409); with dryRun only reports collisions and the breaking-change report' })
  @ApiZodBody(publishSchema)
  async publish(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string, @Body(new ZodPipe(publishSchema)) body: z.infer<typeof publishSchema>) {
    return this.publishVersion.execute(principal, apiId, label, body);
  }

  @Post(':version/deprecate')
  @HttpCode(200)
  @ApiOperation({ summary: 'published → deprecated, with a sunset date' })
  @ApiZodBody(deprecateSchema)
  async deprecate(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string, @Body(new ZodPipe(deprecateSchema)) body: z.infer<typeof deprecateSchema>) {
    const version = await this.deprecateVersion.execute(principal, apiId, label, new Date(body.sunsetAt));
    return versionView(version, await this.versions.routesOf(version.id));
  }

  @Post(':version/retire')
  @HttpCode(200)
  @ApiOperation({ summary: 'deprecated → retired (the gateway answers 410)' })
  async retire(@Principal() principal: AdminPrincipal, @Param('apiId') apiId: string, @Param('version') label: string) {
    const version = await this.retireVersion.execute(principal, apiId, label);
    return versionView(version, await this.versions.routesOf(version.id));
  }
}
