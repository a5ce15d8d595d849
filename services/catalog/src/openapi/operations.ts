import type { HttpMethod } from '@gatehouse/contracts';
import { isRecord } from './json-pointer';
import { normalizeTemplate } from './path-template';

export const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type OperationMethod = (typeof OPERATION_METHODS)[number];

export interface OperationRef {
  template: string;
  normalized: string;
  method: OperationMethod;
  pathItem: Record<string, unknown>;
  operation: Record<string, unknown>;
}

/** Every operation under `paths`, path items resolved through `resolve` (they may be `$ref`s). */
export function listOperations(document: Record<string, unknown>, resolve: (node: unknown) => unknown = (node) => node): OperationRef[] {
  const paths = document.paths;
  if (!isRecord(paths)) return [];
  const operations: OperationRef[] = [];
  for (const [template, rawItem] of Object.entries(paths)) {
    const pathItem = resolve(rawItem);
    if (!isRecord(pathItem)) continue;
    for (const method of OPERATION_METHODS) {
      const operation = resolve(pathItem[method]);
      if (isRecord(operation)) operations.push({ template, normalized: normalizeTemplate(template), method, pathItem, operation });
    }
  }
  return operations;
}

/** Methods the gateway routes; TRACE is never proxied. */
export function toHttpMethod(method: OperationMethod): HttpMethod | null {
  return method === 'trace' ? null : (method.toUpperCase() as HttpMethod);
}
