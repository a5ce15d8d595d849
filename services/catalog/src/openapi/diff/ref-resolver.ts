import { isRecord, parsePointer, valueAt } from '../json-pointer';

const MAX_HOPS = 50;

/** Resolves local `$ref`s of one document and flattens `allOf`, memoized per object. */
export class RefResolver {
  private readonly flattened = new Map<object, Record<string, unknown>>();

  constructor(private readonly root: unknown) {}

  /** Follows `$ref` chains (local ones only); anything unresolvable comes back unchanged. */
  resolve = (node: unknown): unknown => {
    let current = node;
    for (let hop = 0; hop < MAX_HOPS && isRecord(current) && typeof current.$ref === 'string'; hop++) {
      const ref = current.$ref;
      if (!ref.startsWith('#')) return current;
      let target: unknown;
      try {
        target = valueAt(this.root, parsePointer(ref));
      } catch {
        return current;
      }
      if (target === undefined) return current;
      current = target;
    }
    return current;
  };

  /**
   * The schema with `allOf` members merged in: properties, required names, type and enum.
   * Good enough for compatibility checks, not a general JSON Schema merge.
   */
  schema(node: unknown, depth = 0): Record<string, unknown> {
    const resolved = this.resolve(node);
    if (!isRecord(resolved)) return {};
    const cached = this.flattened.get(resolved);
    if (cached) return cached;
    if (!Array.isArray(resolved.allOf) || depth > 20) {
      this.flattened.set(resolved, resolved);
      return resolved;
    }
    const merged: Record<string, unknown> = { ...resolved };
    delete merged.allOf;
    this.flattened.set(resolved, merged);
    const properties: Record<string, unknown> = { ...(isRecord(resolved.properties) ? resolved.properties : {}) };
    const required = new Set<string>(Array.isArray(resolved.required) ? (resolved.required as string[]) : []);
    for (const member of resolved.allOf) {
      const part = this.schema(member, depth + 1);
      if (isRecord(part.properties)) Object.assign(properties, part.properties);
      if (Array.isArray(part.required)) for (const name of part.required) required.add(String(name));
      for (const key of ['type', 'enum', 'items', 'nullable', 'format', 'additionalProperties']) {
        if (merged[key] === undefined && part[key] !== undefined) merged[key] = part[key];
      }
    }
    if (Object.keys(properties).length > 0) merged.properties = properties;
    if (required.size > 0) merged.required = [...required];
    return merged;
  }
}
