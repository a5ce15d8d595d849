import { isRecord } from '../json-pointer';
import type { OperationRef } from '../operations';
import { templateParameters } from '../path-template';
import type { ChangeLog } from './diff.types';
import type { RefResolver } from './ref-resolver';
import { diffSchema } from './schema-diff';

export interface OperationDiffContext {
  log: ChangeLog;
  oldRefs: RefResolver;
  newRefs: RefResolver;
}

interface Parameter {
  label: string;
  location: string;
  required: boolean;
  schema: unknown;
}

/**
 * Parameters of an operation (path-level ones overridden by operation-level ones), keyed so
 * that renaming a path parameter is not a change: path parameters by position, headers
 * case-insensitively, the rest by location and name.
 */
function parametersOf(ref: OperationRef, refs: RefResolver): Map<string, Parameter> {
  const positions = new Map(templateParameters(ref.template).map((name, index) => [name, index]));
  const result = new Map<string, Parameter>();
  const lists = [ref.pathItem.parameters, ref.operation.parameters];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = refs.resolve(raw);
      if (!isRecord(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') continue;
      const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
      const key = parameter.in === 'path' ? `path#${positions.get(parameter.name) ?? parameter.name}` : `${parameter.in}:${name}`;
      const schema = parameter.schema ?? (isRecord(parameter.content) ? Object.values(parameter.content).map((media) => (isRecord(media) ? media.schema : undefined))[0] : undefined);
      result.set(key, { label: `${parameter.in} parameter \`${parameter.name}\``, location: `request.${parameter.in}.${parameter.name}`, required: parameter.required === true || parameter.in === 'path', schema });
    }
  }
  return result;
}

function diffParameters(before: OperationRef, after: OperationRef, operation: string, context: OperationDiffContext) {
  const { log } = context;
  const oldParameters = parametersOf(before, context.oldRefs);
  const newParameters = parametersOf(after, context.newRefs);
  for (const [key, parameter] of newParameters) {
    const previous = oldParameters.get(key);
    const location = parameter.location;
    if (!previous) {
      if (parameter.required) log.add('breaking', 'parameter-added-required', operation, location, `new required ${parameter.label}`);
      else log.add('non-breaking', 'parameter-added-optional', operation, location, `new optional ${parameter.label}`);
      continue;
    }
    if (parameter.required && !previous.required) log.add('breaking', 'parameter-became-required', operation, location, `${parameter.label} is now required`);
    if (!parameter.required && previous.required) log.add('non-breaking', 'parameter-became-optional', operation, location, `${parameter.label} is now optional`);
    if (previous.schema !== undefined && parameter.schema !== undefined) diffSchema(previous.schema, parameter.schema, location, { ...context, operation, direction: 'request' });
  }
  for (const [key, parameter] of oldParameters) {
    if (!newParameters.has(key)) {
      log.add('non-breaking', 'parameter-removed', operation, parameter.location, `${parameter.label} removed (it is now ignored)`);
    }
  }
}

function contentOf(node: unknown, refs: RefResolver): Map<string, unknown> {
  const resolved = refs.resolve(node);
  if (!isRecord(resolved) || !isRecord(resolved.content)) return new Map();
  return new Map(Object.entries(resolved.content).map(([type, media]) => [type.toLowerCase(), isRecord(media) ? media.schema : undefined]));
}

function diffContent(oldNode: unknown, newNode: unknown, where: string, direction: 'request' | 'response', operation: string, context: OperationDiffContext) {
  const { log } = context;
  const oldContent = contentOf(oldNode, context.oldRefs);
  const newContent = contentOf(newNode, context.newRefs);
  for (const [type, schema] of oldContent) {
    if (!newContent.has(type)) {
      log.add('breaking', 'media-type-removed', operation, `${where}[${type}]`, `${direction} media type ${type} is no longer ${direction === 'request' ? 'accepted' : 'returned'}`);
      continue;
    }
    const next = newContent.get(type);
    if (schema !== undefined && next !== undefined) diffSchema(schema, next, `${where}[${type}]`, { ...context, operation, direction });
  }
  for (const type of newContent.keys()) {
    if (!oldContent.has(type)) log.add('non-breaking', 'media-type-added', operation, `${where}[${type}]`, `${direction} media type ${type} added`);
  }
}

function diffRequestBody(before: OperationRef, after: OperationRef, operation: string, context: OperationDiffContext) {
  const { log } = context;
  const oldBody = context.oldRefs.resolve(before.operation.requestBody);
  const newBody = context.newRefs.resolve(after.operation.requestBody);
  const oldRequired = isRecord(oldBody) && oldBody.required === true;
  const newRequired = isRecord(newBody) && newBody.required === true;
  if (!isRecord(oldBody) && !isRecord(newBody)) return;
  if (!isRecord(oldBody)) {
    if (newRequired) log.add('breaking', 'request-body-added-required', operation, 'request.body', 'a request body is now required');
    else log.add('non-breaking', 'request-body-added-optional', operation, 'request.body', 'an optional request body was added');
    return;
  }
  if (!isRecord(newBody)) {
    log.add('non-breaking', 'request-body-removed', operation, 'request.body', 'the request body was removed (it is now ignored)');
    return;
  }
  if (newRequired && !oldRequired) log.add('breaking', 'request-body-became-required', operation, 'request.body', 'the request body is now required');
  if (!newRequired && oldRequired) log.add('non-breaking', 'request-body-became-optional', operation, 'request.body', 'the request body is now optional');
  diffContent(oldBody, newBody, 'request.body', 'request', operation, context);
}

function diffResponses(before: OperationRef, after: OperationRef, operation: string, context: OperationDiffContext) {
  const { log } = context;
  const oldResponses = isRecord(before.operation.responses) ? before.operation.responses : {};
  const newResponses = isRecord(after.operation.responses) ? after.operation.responses : {};
  for (const [status, response] of Object.entries(oldResponses)) {
    if (!Object.hasOwn(newResponses, status)) {
      log.add('breaking', 'response-status-removed', operation, `response[${status}]`, `response status ${status} removed`);
      continue;
    }
    diffContent(response, newResponses[status], `response[${status}]`, 'response', operation, context);
  }
  for (const status of Object.keys(newResponses)) {
    if (!Object.hasOwn(oldResponses, status)) log.add('non-breaking', 'response-status-added', operation, `response[${status}]`, `response status ${status} added`);
  }
}

/** Everything that changed between two versions of one operation. */
export function diffOperation(before: OperationRef, after: OperationRef, context: OperationDiffContext): void {
  const operation = `${after.method.toUpperCase()} ${after.template}`;
  diffParameters(before, after, operation, context);
  diffRequestBody(before, after, operation, context);
  diffResponses(before, after, operation, context);
}
