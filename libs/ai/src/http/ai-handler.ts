import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAiConfig } from '../config/ai-config';
import { AiError, isAiError } from '../errors/ai-error';
import { promptOpenApi } from '../prompt/prompt-openapi';
import type { PromptApiConfig } from '../prompt/prompt-api.schema';
import { ModelRegistry } from '../routing/model-registry';
import { formatAttempts, PolicyError, type AttemptRecord } from '../routing/policy-executor';
import type { AiUsage } from '../usage/pricing';
import { UndiciUpstreamClient, type UpstreamClient } from '../upstream/upstream-client';
import { chatCompletionsRoute } from './chat-completions.route';
import type { AiRuntime } from './chat-service';
import { embeddingsRoute } from './embeddings.route';
import { ATTEMPTS_HEADER, readJsonBody, sendError, sendJson } from './http-io';
import { modelsRoute } from './models.route';
import { promptApiRoute } from './prompt-api.route';

/** Per-request context from the gateway (authentication and authorization already done). */
export interface AiRequestContext {
  /** Serve this prompt API whatever the path (the gateway matched the route itself). */
  promptApiId?: string;
}

/** Options of an AI handler. */
export interface AiHandlerOptions {
  /** Upstream transport; share one across configuration reloads to keep the pools warm. */
  upstream?: UpstreamClient;
  /** Called after every attempt, successful or not (metrics). */
  onAttempt?: (attempt: AttemptRecord & { requestedModel: string }) => void;
  /** Largest request body accepted; 20 MiB by default (inline images). */
  maxBodyBytes?: number;
  /** How long a stream is still read for usage after its client went away; 2000 ms by default. */
  drainOnDisconnectMs?: number;
  /** Source of randomness for weighted target order (tests). */
  random?: () => number;
}

/** `(req, res, ctx) => usage`: serves one request, resolves with its usage or null. */
export type AiHandler = ((req: IncomingMessage, res: ServerResponse, ctx?: AiRequestContext) => Promise<AiUsage | null>) & {
  /** The upstream client, to close when the handler is retired for good. */
  readonly upstream: UpstreamClient;
};

function afterPrefix(path: string, suffix: string): boolean {
  return path === suffix || path.endsWith(suffix);
}

/**
 * Builds the AI gateway request handler from a resolved configuration (validated here once;
 * a bad one throws AiConfigError naming each path). Serves `POST …/v1/chat/completions`,
 * `POST …/v1/embeddings`, `GET …/v1/models[/{id}]`, `POST {promptApi.path}` and
 * `GET {promptApi.path}/openapi.json`. Errors are answered in OpenAI's shape; the handler
 * never rejects for a bad request.
 */
export function createAiHandler(input: unknown, options: AiHandlerOptions = {}): AiHandler {
  const config = parseAiConfig(input);
  const registry = new ModelRegistry(config, options.random);
  const upstream = options.upstream ?? new UndiciUpstreamClient();
  const runtime: AiRuntime = {
    registry,
    upstream,
    drainOnDisconnectMs: options.drainOnDisconnectMs ?? 2000,
    ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
  };
  const maxBodyBytes = options.maxBodyBytes ?? 20 * 1024 * 1024;
  const created = Math.floor(Date.now() / 1000);
  const promptById = new Map(config.promptApis.map((api) => [api.id, api]));
  const promptByPath = new Map(config.promptApis.map((api) => [api.path, api]));
  const openApiByPath = new Map(config.promptApis.map((api) => [`${api.path}/openapi.json`, api]));

  async function serve(req: IncomingMessage, res: ServerResponse, ctx: AiRequestContext): Promise<AiUsage | null> {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const method = req.method ?? 'GET';
    const prompt: PromptApiConfig | undefined = ctx.promptApiId ? promptById.get(ctx.promptApiId) : promptByPath.get(path);
    if (ctx.promptApiId && !prompt) throw new AiError('not_found', `Unknown prompt API '${ctx.promptApiId}'`);
    if (prompt) {
      if (method !== 'POST') throw new AiError('method_not_allowed', `${method} is not allowed here; use POST`);
      return promptApiRoute(runtime, prompt, await readJsonBody(req, maxBodyBytes), res);
    }
    const spec = openApiByPath.get(path);
    if (spec && method === 'GET') {
      sendJson(res, 200, promptOpenApi(spec));
      return null;
    }
    if (afterPrefix(path, '/chat/completions')) {
      if (method !== 'POST') throw new AiError('method_not_allowed', `${method} is not allowed here; use POST`);
      return chatCompletionsRoute(runtime, await readJsonBody(req, maxBodyBytes), res);
    }
    if (afterPrefix(path, '/embeddings')) {
      if (method !== 'POST') throw new AiError('method_not_allowed', `${method} is not allowed here; use POST`);
      return embeddingsRoute(runtime, await readJsonBody(req, maxBodyBytes), res);
    }
    const models = path.lastIndexOf('/models');
    if (models !== -1 && (path.length === models + 7 || path[models + 7] === '/')) {
      if (method !== 'GET') throw new AiError('method_not_allowed', `${method} is not allowed here; use GET`);
      const rest = path.slice(models + 8);
      modelsRoute(registry, created, res, rest ? decodeURIComponent(rest) : null);
      return null;
    }
    throw new AiError('not_found', `Invalid URL (${method} ${path})`);
  }

  const handler = async (req: IncomingMessage, res: ServerResponse, ctx: AiRequestContext = {}): Promise<AiUsage | null> => {
    try {
      return await serve(req, res, ctx);
    } catch (error) {
      if (error instanceof PolicyError) sendError(res, error.error, { [ATTEMPTS_HEADER]: formatAttempts(error.attempts) });
      else if (isAiError(error)) sendError(res, error);
      else sendError(res, new AiError('internal_error', 'The AI gateway failed to serve the request', null, { cause: error }));
      return null;
    }
  };
  return Object.assign(handler, { upstream });
}
