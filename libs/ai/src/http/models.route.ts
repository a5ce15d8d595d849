import type { ServerResponse } from 'node:http';
import type { ModelRegistry } from '../routing/model-registry';
import type { ModelList, ModelObject } from '../types/openai-models';
import { sendJson } from './http-io';

/** `GET /v1/models` and `GET /v1/models/{id}`: catalog models and policy names. */
export function modelsRoute(registry: ModelRegistry, created: number, res: ServerResponse, id: string | null): void {
  if (id !== null) {
    const route = registry.route(id);
    const model: ModelObject = { id: route.name, object: 'model', created, owned_by: route.model?.provider ?? 'gatehouse' };
    sendJson(res, 200, model);
    return;
  }
  const list: ModelList = { object: 'list', data: registry.names().map((name) => ({ id: name.id, object: 'model', created, owned_by: name.ownedBy })) };
  sendJson(res, 200, list);
}
