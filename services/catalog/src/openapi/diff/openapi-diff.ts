import { listOperations, type OperationRef } from '../operations';
import { ChangeLog, type DiffReport } from './diff.types';
import { diffOperation } from './operation-diff';
import { RefResolver } from './ref-resolver';

export type { ApiChange, ChangeCode, ChangeSeverity, DiffReport } from './diff.types';

const operationKey = (ref: OperationRef) => `${ref.method} ${ref.normalized}`;

/**
 * The breaking-change report between two OpenAPI documents (`before` is the version
 * consumers use today). `$ref`s are resolved within each document; path templates are
 * compared with parameter names erased, so `/pets/{id}` and `/pets/{petId}` are one path.
 */
export function diffOpenApi(before: Record<string, unknown>, after: Record<string, unknown>): DiffReport {
  const log = new ChangeLog();
  const oldRefs = new RefResolver(before);
  const newRefs = new RefResolver(after);
  const oldOperations = new Map(listOperations(before, oldRefs.resolve).map((ref) => [operationKey(ref), ref]));
  const newOperations = new Map(listOperations(after, newRefs.resolve).map((ref) => [operationKey(ref), ref]));
  const newPaths = new Set([...newOperations.values()].map((ref) => ref.normalized));
  const oldPaths = new Set([...oldOperations.values()].map((ref) => ref.normalized));
  const reportedPaths = new Set<string>();

  for (const [key, ref] of oldOperations) {
    const next = newOperations.get(key);
    if (next) {
      diffOperation(ref, next, { log, oldRefs, newRefs });
      continue;
    }
    if (!newPaths.has(ref.normalized)) {
      if (!reportedPaths.has(ref.normalized)) {
        reportedPaths.add(ref.normalized);
        log.add('breaking', 'path-removed', null, ref.template, `path ${ref.template} removed`);
      }
      continue;
    }
    log.add('breaking', 'operation-removed', `${ref.method.toUpperCase()} ${ref.template}`, ref.template, `operation ${ref.method.toUpperCase()} ${ref.template} removed`);
  }
  for (const [key, ref] of newOperations) {
    if (oldOperations.has(key)) continue;
    if (!oldPaths.has(ref.normalized)) {
      if (!reportedPaths.has(ref.normalized)) {
        reportedPaths.add(ref.normalized);
        log.add('non-breaking', 'path-added', null, ref.template, `path ${ref.template} added`);
      }
      continue;
    }
    log.add('non-breaking', 'operation-added', `${ref.method.toUpperCase()} ${ref.template}`, ref.template, `operation ${ref.method.toUpperCase()} ${ref.template} added`);
  }
  return log.report();
}
