import type { HttpMethod } from '@gatehouse/contracts';
import { type DocumentIssue, OpenApiDocumentError } from '../openapi/document-issue';
import { escapeSegment } from '../openapi/json-pointer';
import { listOperations, toHttpMethod } from '../openapi/operations';
import { isValidTemplate, joinPath, normalizeTemplate } from '../openapi/path-template';

export interface RouteDraft {
  template: string;
  path: string;
  normalizedPath: string;
  methods: HttpMethod[];
}

/** RouteStateV1 carries paths of at most 2000 characters. */
const MAX_PATH_LENGTH = 2000;

const methodOrder: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const sortMethods = (methods: Iterable<HttpMethod>) => [...new Set(methods)].sort((a, b) => methodOrder.indexOf(a) - methodOrder.indexOf(b));

/**
 * Merges templates that are the same route once parameter names are erased. Two of them
 * declaring the same method are ambiguous (the gateway could not tell them apart).
 */
function merge(basePath: string, entries: Array<{ template: string; methods: HttpMethod[]; where: string }>): RouteDraft[] {
  const routes = new Map<string, RouteDraft & { where: string }>();
  const issues: DocumentIssue[] = [];
  for (const entry of entries) {
    const path = joinPath(basePath, entry.template);
    if (path.length > MAX_PATH_LENGTH) {
      issues.push({ path: entry.where, message: `route ${path.slice(0, 80)}… is longer than ${MAX_PATH_LENGTH} characters` });
      continue;
    }
    const normalizedPath = normalizeTemplate(path);
    const existing = routes.get(normalizedPath);
    if (!existing) {
      routes.set(normalizedPath, { template: entry.template, path, normalizedPath, methods: sortMethods(entry.methods), where: entry.where });
      continue;
    }
    const overlap = entry.methods.filter((method) => existing.methods.includes(method));
    if (overlap.length > 0) {
      issues.push({ path: entry.where, message: `${overlap.join(', ')} ${entry.template} is the same route as ${existing.template} (parameter names do not distinguish paths)` });
      continue;
    }
    existing.methods = sortMethods([...existing.methods, ...entry.methods]);
  }
  if (issues.length > 0) throw new OpenApiDocumentError(422, 'invalid_document', `routes cannot be built: ${issues[0]!.message}`, issues);
  return [...routes.values()].map(({ where: _where, ...route }) => route);
}

/** One route per path template of the document (TRACE is never routed). */
export function deriveRoutes(document: Record<string, unknown>, basePath: string): RouteDraft[] {
  const byTemplate = new Map<string, HttpMethod[]>();
  for (const operation of listOperations(document)) {
    const method = toHttpMethod(operation.method);
    if (!method) continue;
    byTemplate.set(operation.template, [...(byTemplate.get(operation.template) ?? []), method]);
  }
  const issues: DocumentIssue[] = [];
  for (const template of byTemplate.keys()) {
    if (!isValidTemplate(template)) issues.push({ path: `/paths/${escapeSegment(template)}`, message: `path template ${template} cannot be routed: parameters must fill whole segments as {name}` });
  }
  if (issues.length > 0) throw new OpenApiDocumentError(422, 'invalid_document', issues[0]!.message, issues);
  return merge(
    basePath,
    [...byTemplate.entries()].map(([template, methods]) => ({ template, methods, where: `/paths/${escapeSegment(template)}` })),
  );
}

/** Routes declared by hand instead of derived. */
export function declaredRoutes(routes: ReadonlyArray<{ path: string; methods: HttpMethod[] }>, basePath: string): RouteDraft[] {
  return merge(
    basePath,
    routes.map((route, index) => ({ template: route.path, methods: route.methods, where: `/routes/${index}` })),
  );
}
