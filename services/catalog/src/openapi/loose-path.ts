import { escapeSegment, isRecord } from './json-pointer';

/**
 * Resolves a slash-joined path whose segments were not escaped (`/paths/pets/{id}/get`, as
 * some validator messages print it) against the document, preferring the longest key that
 * matches at each level. Returns a proper JSON pointer to the deepest member found.
 */
export function resolveLoosePath(root: unknown, loosePath: string): string {
  let node: unknown = root;
  let rest = loosePath.replace(/^\/+/, '');
  let pointer = '';
  while (rest !== '') {
    if (Array.isArray(node)) {
      const match = /^(\d+)(?:\/|$)/.exec(rest);
      if (!match || Number(match[1]) >= node.length) break;
      pointer += `/${match[1]}`;
      node = node[Number(match[1])];
      rest = rest.slice(match[0].length);
      continue;
    }
    if (!isRecord(node)) break;
    let best: string | undefined;
    for (const key of Object.keys(node)) {
      const bare = key.replace(/^\/+/, '');
      const fits = rest === bare || rest.startsWith(`${bare}/`) || (bare === '' && key !== '' && rest === '');
      if (fits && (best === undefined || bare.length > best.replace(/^\/+/, '').length)) best = key;
    }
    if (best === undefined) break;
    pointer += `/${escapeSegment(best)}`;
    node = node[best];
    rest = rest.slice(best.replace(/^\/+/, '').length).replace(/^\//, '');
  }
  return pointer;
}

/** Pointers of every `{ $ref: ref }` object in the document, in document order. */
export function findRefUsages(root: unknown, ref: string, limit = 5): string[] {
  const found: string[] = [];
  const visit = (node: unknown, pointer: string) => {
    if (found.length >= limit) return;
    if (Array.isArray(node)) node.forEach((item, index) => visit(item, `${pointer}/${index}`));
    else if (isRecord(node)) {
      if (node.$ref === ref) found.push(`${pointer}/$ref`);
      for (const [key, item] of Object.entries(node)) if (typeof item === 'object' && item !== null) visit(item, `${pointer}/${escapeSegment(key)}`);
    }
  };
  visit(root, '');
  return found;
}

/** Pointers of every `$ref` that does not point into this document. */
export function findExternalRefs(root: unknown, limit = 20): Array<{ pointer: string; ref: string }> {
  const found: Array<{ pointer: string; ref: string }> = [];
  const visit = (node: unknown, pointer: string) => {
    if (found.length >= limit) return;
    if (Array.isArray(node)) node.forEach((item, index) => visit(item, `${pointer}/${index}`));
    else if (isRecord(node)) {
      if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) found.push({ pointer: `${pointer}/$ref`, ref: node.$ref });
      for (const [key, item] of Object.entries(node)) if (typeof item === 'object' && item !== null) visit(item, `${pointer}/${escapeSegment(key)}`);
    }
  };
  visit(root, '');
  return found;
}
