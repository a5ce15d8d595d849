import { Injectable } from '@nestjs/common';
import { AppError, ZodPipe } from '@gatehouse/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApiEntity, ApiKind } from '../../apis/entities/api.entity';
import { joinPath, normalizeBasePath } from '../../openapi/path-template';
import type { CreateVersionInput, UpdateVersionInput } from '../../versions/dto/version.dto';
import type { ApiVersionEntity, AuthPolicy, UpstreamConfig } from '../../versions/entities/api-version.entity';
import { AiReferences, invalidReferences, type ReferenceIssue } from '../common/ai-references';
import type { AiProviderEntity } from '../providers/ai-provider.entity';
import { AI_ROUTES, aiSurfaceDocument } from './ai-surface';
import {
  createAiVersionSchema,
  createPromptVersionSchema,
  type PromptInput,
  updateAiVersionSchema,
  updatePromptVersionSchema,
} from './dto/ai-version.dto';
import { PROMPT_PATH, type PromptDefinition, promptDefinitionIssues } from './prompt-definition';
import { promptDocument, type SurfaceContext } from './prompt-openapi';

/** What a version of an `ai` or `prompt` API adds to the generic version machinery. */
export interface VersionSurface {
  kind: ApiKind;
  prompt: PromptDefinition | null;
}

const MAX_TARGETS = 20;

/** The upstream of AI routes: the providers they can reach (informational: the gateway routes by policy). */
export function aiUpstream(providers: readonly AiProviderEntity[]): UpstreamConfig {
  const urls = [...new Set(providers.map((provider) => provider.baseUrl))].sort().slice(0, MAX_TARGETS);
  return {
    targets: urls.map((url) => ({ url, weight: 1 })),
    loadBalancing: 'weighted-round-robin',
    timeouts: { connectMs: 5_000, firstByteMs: 600_000, totalMs: 600_000 },
    retries: { attempts: 0, backoffMs: 0 },
  };
}

function definitionOf(input: PromptInput): PromptDefinition {
  const messages = input.messages ?? [...(input.system ? [{ role: 'system' as const, content: input.system }] : []), { role: 'user' as const, content: input.template! }];
  return {
    path: input.path,
    model: input.model,
    messages,
    variables: input.variables,
    parameters: input.parameters,
    responseFormat: input.responseFormat,
    outputSchema: input.outputSchema,
    title: input.title,
    description: input.description,
  };
}

/**
 * Turns the body of an `ai` or `prompt` version into what the generic version use cases
 * store: a generated OpenAPI document, declared routes and an upstream of provider URLs;
 * checks the prompt against its variables and the tenant's models (precise 400s).
 */
@Injectable()
export class AiVersionSurface {
  constructor(
    private readonly dataSource: DataSource,
    private readonly references: AiReferences,
  ) {}

  async forCreate(api: ApiEntity, body: unknown): Promise<{ input: CreateVersionInput; surface: VersionSurface }> {
    if (api.kind === 'ai') {
      const input = new ZodPipe(createAiVersionSchema).transform(body);
      const upstream = aiUpstream(await this.references.tenantProviders(api.tenantId, this.dataSource.manager));
      const context = this.context(api, input.version, input.basePath, input.auth);
      return { input: { ...input, upstream, openapi: aiSurfaceDocument(context), routes: AI_ROUTES.map((route) => ({ ...route })) }, surface: { kind: 'ai', prompt: null } };
    }
    const input = new ZodPipe(createPromptVersionSchema).transform(body);
    const prompt = definitionOf(input.prompt);
    const upstream = await this.checkPrompt(api, prompt, input.basePath, input.prompt.messages === undefined);
    const { prompt: _prompt, ...rest } = input;
    const context = this.context(api, input.version, input.basePath, input.auth);
    return {
      input: { ...rest, upstream, openapi: promptDocument(prompt, context), routes: [{ path: prompt.path, methods: ['POST'] }] },
      surface: { kind: 'prompt', prompt },
    };
  }

  async forUpdate(api: ApiEntity, version: ApiVersionEntity, body: unknown): Promise<{ input: UpdateVersionInput; prompt: PromptDefinition | null }> {
    const parsed = api.kind === 'ai' ? new ZodPipe(updateAiVersionSchema).transform(body) : new ZodPipe(updatePromptVersionSchema).transform(body);
    const { prompt: promptInput, ...input } = parsed as typeof parsed & { prompt?: PromptInput };
    const surfaceChanged = promptInput !== undefined || input.basePath !== undefined || input.host !== undefined;
    if (version.state !== 'draft') {
      if (surfaceChanged) {
        const fields = [promptInput !== undefined && 'prompt', input.basePath !== undefined && 'basePath', input.host !== undefined && 'host'].filter(Boolean);
        throw new AppError(409, 'version_released', `version ${version.version} is ${version.state}: ${fields.join(', ')} can no longer change (create a new version); only auth, maxBodyBytes and planIds can`, {
          fields,
        });
      }
      return { input, prompt: null };
    }
    const basePath = input.basePath ?? version.basePath;
    const auth = input.auth ?? version.auth;
    const context = this.context(api, version.version, basePath, auth);
    if (api.kind === 'ai') {
      const upstream = aiUpstream(await this.references.tenantProviders(api.tenantId, this.dataSource.manager));
      return { input: { ...input, upstream, openapi: aiSurfaceDocument(context), routes: AI_ROUTES.map((route) => ({ ...route })) }, prompt: null };
    }
    const prompt = promptInput ? definitionOf(promptInput) : version.prompt!;
    const upstream = await this.checkPrompt(api, prompt, basePath, promptInput !== undefined && promptInput.messages === undefined);
    return { input: { ...input, upstream, openapi: promptDocument(prompt, context), routes: [{ path: prompt.path, methods: ['POST'] }] }, prompt };
  }

  /**
   * The upstream of a version about to be published, from the providers it reaches now, and
   * the problems that block publication (no provider, a prompt whose model is gone).
   */
  async upstreamAtPublication(manager: EntityManager, version: ApiVersionEntity): Promise<{ upstream: UpstreamConfig | null; problems: AppError[] }> {
    if (version.kind === 'http') return { upstream: null, problems: [] };
    if (version.kind === 'ai') {
      const providers = await this.references.tenantProviders(version.tenantId, manager);
      if (providers.length === 0) {
        return { upstream: null, problems: [new AppError(409, 'no_ai_provider', `version ${version.version} serves AI models but tenant ${version.tenantId} has no AI provider yet`)] };
      }
      return { upstream: aiUpstream(providers), problems: [] };
    }
    const model = version.prompt!.model;
    const providers = await this.references.providersServing(version.tenantId, model, manager);
    if (providers.length === 0) {
      return { upstream: null, problems: [new AppError(409, 'unknown_model', `version ${version.version} asks for model ${model}, which is neither an AI model nor a routing policy of tenant ${version.tenantId}`)] };
    }
    return { upstream: aiUpstream(providers), problems: [] };
  }

  private async checkPrompt(api: ApiEntity, prompt: PromptDefinition, basePath: string, fromTemplate: boolean): Promise<UpstreamConfig> {
    const issues: ReferenceIssue[] = promptDefinitionIssues(prompt, (index) => (fromTemplate ? (prompt.messages[index]!.role === 'system' ? 'prompt.system' : 'prompt.template') : `prompt.messages.${index}.content`));
    const path = joinPath(normalizeBasePath(basePath), prompt.path);
    if (!PROMPT_PATH.test(path)) issues.push({ path: 'prompt.path', message: `the full path ${path} must be / separated segments of letters, digits, _ . - (check the base path)` });
    const providers = await this.references.providersServing(api.tenantId, prompt.model, this.dataSource.manager);
    if (providers.length === 0) issues.push({ path: 'prompt.model', message: `model ${prompt.model} is neither an AI model nor a routing policy of tenant ${api.tenantId}` });
    if (issues.length > 0) throw invalidReferences(issues, 'invalid_prompt');
    return aiUpstream(providers);
  }

  private context(api: ApiEntity, version: string, basePath: string, auth: AuthPolicy): SurfaceContext {
    return { apiName: api.name, apiSlug: api.slug, version, basePath: normalizeBasePath(basePath), auth };
  }
}
