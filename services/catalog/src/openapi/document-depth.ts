import { Parser } from 'yaml';
import { OpenApiDocumentError } from './document-issue';

/**
 * Deepest nesting of objects and arrays a document may have. Real descriptions stay far below
 * it; far above it the recursive steps of an import (YAML composition, validation, the
 * breaking-change walk) exhaust the stack, and V8 can abort the whole process when that
 * happens while it compiles a regular expression.
 */
export const MAX_DOCUMENT_DEPTH = 256;

const tooDeep = () =>
  new OpenApiDocumentError(422, 'invalid_document', `the OpenAPI document nests objects and arrays more than ${MAX_DOCUMENT_DEPTH} levels deep`, [
    { path: '', message: `nesting deeper than ${MAX_DOCUMENT_DEPTH} levels` },
  ]);

/** Refuses a parsed document nested deeper than the limit; iterative, so any depth is measured safely. */
export function assertDocumentDepth(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_DOCUMENT_DEPTH) throw tooDeep();
    for (const child of Array.isArray(node) ? node : Object.values(node as object)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}

const collections = new Set(['block-map', 'block-seq', 'flow-collection']);

interface CstNode {
  type?: string;
  value?: unknown;
  items?: Array<{ key?: unknown; value?: unknown }>;
}

/**
 * The same limit on YAML text, measured on the concrete syntax tree (the `yaml` parser builds
 * it without recursion) before the text is composed into values, which recurses per level.
 */
export function assertYamlDepth(text: string): void {
  const stack: Array<[unknown, number]> = [];
  for (const token of new Parser().parse(text)) stack.push([token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (typeof token !== 'object' || token === null) continue;
    const node = token as CstNode;
    const level = node.type !== undefined && collections.has(node.type) ? depth + 1 : depth;
    if (level > MAX_DOCUMENT_DEPTH) throw tooDeep();
    if (node.value !== undefined) stack.push([node.value, level]);
    for (const item of node.items ?? []) {
      if (item.key !== undefined) stack.push([item.key, level]);
      if (item.value !== undefined) stack.push([item.value, level]);
    }
  }
}
