import { type PromptApiConfig, promptOpenApi } from '@gatehouse/ai';
import type { AuthPolicy } from '../../versions/entities/api-version.entity';
import type { PromptDefinition } from './prompt-definition';

export interface SurfaceContext {
  apiName: string;
  apiSlug: string;
  version: string;
  basePath: string;
  auth: AuthPolicy;
}

/** Security schemes and requirements of the gateway's credentials for a version's auth policy. */
export function gatewaySecurity(auth: AuthPolicy): { schemes: Record<string, unknown>; security: Array<Record<string, string[]>> } {
  const schemes: Record<string, unknown> = {};
  const security: Array<Record<string, string[]>> = [];
  if (auth.methods.includes('bearer')) {
    schemes.bearer = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Gatehouse access token for the API audience' };
    security.push({ bearer: auth.scopes });
  }
  if (auth.methods.includes('api_key')) {
    schemes.apiKey = { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Gatehouse API key of a subscribed application' };
    security.push({ apiKey: [] });
  }
  return { schemes, security };
}

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** What the gateway answers a caller without a valid credential or subscription. */
export const authResponses = {
  '401': { description: 'Missing or invalid credential', content: errorContent },
  '403': { description: 'No approved subscription, or a scope is missing', content: errorContent },
};

/** The server entry of a version: its base path on the gateway. */
export const serversOf = (basePath: string) => [{ url: basePath, description: 'Gatehouse gateway' }];

/**
 * The OpenAPI 3.1 document of a prompt version, generated from its variables: the request
 * body schema is the variables (types, required, bounds, enums, defaults), the response is
 * `{ output, model, usage }` exactly as the AI gateway answers (`@gatehouse/ai` builds the
 * core), with the gateway's server and security added.
 */
export function promptDocument(definition: PromptDefinition, context: SurfaceContext): Record<string, unknown> {
  const config: PromptApiConfig = {
    id: context.apiSlug,
    path: definition.path,
    title: definition.title ?? context.apiName,
    ...(definition.description ? { description: definition.description } : {}),
    version: context.version,
    model: definition.model,
    messages: definition.messages,
    variables: definition.variables,
    parameters: definition.parameters,
    responseFormat: definition.responseFormat,
    ...(definition.outputSchema ? { outputSchema: definition.outputSchema } : {}),
  };
  const document = promptOpenApi(config) as { components: { schemas: Record<string, unknown> }; paths: Record<string, { post: { responses: Record<string, unknown> } }> } & Record<string, unknown>;
  const { schemes, security } = gatewaySecurity(context.auth);
  if (security.length) {
    const operation = document.paths[definition.path]!.post;
    operation.responses = { ...operation.responses, ...authResponses };
  }
  return {
    ...document,
    servers: serversOf(context.basePath),
    components: { ...document.components, ...(security.length ? { securitySchemes: schemes } : {}) },
    ...(security.length ? { security } : {}),
  };
}
