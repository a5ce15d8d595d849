/**
 * A segment trie per host and method, built once per configuration change. Matching walks
 * the path string by index (no split, no regular expression) and prefers, at every segment,
 * a static segment over a `{param}` over a trailing catch-all (`{name*}` or `*`), with
 * backtracking, so the most specific template wins. Fallback routes sit in a second set of
 * tries consulted only when no primary route matches, whatever their specificity or host.
 */
export interface RouteDefinition<T> {
  readonly id: string;
  /** Lowercase host without port; null matches any host. */
  readonly host: string | null;
  readonly methods: readonly string[];
  readonly template: string;
  readonly value: T;
  /**
   * Matched only when no primary route matches. The gateway passes retired routes here, so a
   * live version that took over a retired version's path always answers, never the 410.
   */
  readonly fallback?: boolean;
}

export interface RouteTableStats {
  readonly routes: number;
  /** Templates refused as malformed, by route id. */
  readonly invalid: ReadonlyArray<{ id: string; reason: string }>;
  /**
   * Same host, method and template claimed by several routes of the same tier (primary or
   * fallback): the smallest route id wins.
   */
  readonly conflicts: ReadonlyArray<{ kept: string; dropped: string }>;
}

class TrieNode<T> {
  statics: Map<string, TrieNode<T>> | null = null;
  param: TrieNode<T> | null = null;
  catchAll: Leaf<T> | null = null;
  leaf: Leaf<T> | null = null;
}

interface Leaf<T> {
  readonly id: string;
  readonly value: T;
}

type Segment = { kind: 'static'; text: string } | { kind: 'param'; name: string } | { kind: 'catch-all'; name: string };

const paramPattern = /^\{([A-Za-z_][A-Za-z0-9_.-]*)\}$/;
const catchAllPattern = /^\{([A-Za-z_][A-Za-z0-9_.-]*)\*\}$|^\*$/;

/** Parses a template such as `/pets/{petId}` or `/files/{path*}`; throws on malformed ones. */
export function parseTemplate(template: string): Segment[] {
  if (!template.startsWith('/')) throw new Error('template must start with /');
  const parts = template.slice(1).split('/');
  return parts.map((part, index) => {
    const catchAll = catchAllPattern.exec(part);
    if (catchAll) {
      if (index !== parts.length - 1) throw new Error('a catch-all must be the last segment');
      return { kind: 'catch-all', name: catchAll[1] ?? '*' };
    }
    const param = paramPattern.exec(part);
    if (param) return { kind: 'param', name: param[1]! };
    if (part.includes('{') || part.includes('}')) throw new Error(`segment "${part}" mixes text and a parameter`);
    return { kind: 'static', text: part };
  });
}

const ANY_HOST = '';

type HostTries<T> = Map<string, Map<string, TrieNode<T>>>;

export class RouteTable<T> {
  private readonly primary: HostTries<T> = new Map();
  private readonly fallback: HostTries<T> = new Map();
  readonly stats: RouteTableStats;

  constructor(definitions: Iterable<RouteDefinition<T>>) {
    const invalid: Array<{ id: string; reason: string }> = [];
    const conflicts: Array<{ kept: string; dropped: string }> = [];
    let routes = 0;
    const sorted = [...definitions].sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
    for (const definition of sorted) {
      let segments: Segment[];
      try {
        segments = parseTemplate(definition.template);
      } catch (error) {
        invalid.push({ id: definition.id, reason: (error as Error).message });
        continue;
      }
      routes += 1;
      const host = definition.host === null ? ANY_HOST : definition.host.toLowerCase();
      const hosts = definition.fallback === true ? this.fallback : this.primary;
      let methods = hosts.get(host);
      if (!methods) hosts.set(host, (methods = new Map()));
      for (const method of definition.methods) {
        let root = methods.get(method);
        if (!root) methods.set(method, (root = new TrieNode<T>()));
        const kept = insert(root, segments, { id: definition.id, value: definition.value });
        if (kept !== definition.id) conflicts.push({ kept, dropped: definition.id });
      }
    }
    this.stats = { routes, invalid, conflicts };
  }

  /** The route for a normalised path, or undefined. `host` is lowercase without port. */
  match(host: string, method: string, path: string): T | undefined {
    return matchIn(this.primary, host, method, path) ?? (this.fallback.size > 0 ? matchIn(this.fallback, host, method, path) : undefined);
  }
}

function matchIn<T>(hosts: HostTries<T>, host: string, method: string, path: string): T | undefined {
  const specific = host.length > 0 ? hosts.get(host)?.get(method) : undefined;
  if (specific) {
    const leaf = walk(specific, path, 1);
    if (leaf) return leaf.value;
  }
  const any = hosts.get(ANY_HOST)?.get(method);
  return any ? walk(any, path, 1)?.value : undefined;
}

function insert<T>(root: TrieNode<T>, segments: Segment[], leaf: Leaf<T>): string {
  let node = root;
  for (const segment of segments) {
    if (segment.kind === 'catch-all') {
      if (node.catchAll) return node.catchAll.id;
      node.catchAll = leaf;
      return leaf.id;
    }
    if (segment.kind === 'param') {
      node = node.param ??= new TrieNode<T>();
      continue;
    }
    node.statics ??= new Map();
    let child = node.statics.get(segment.text);
    if (!child) node.statics.set(segment.text, (child = new TrieNode<T>()));
    node = child;
  }
  if (node.leaf) return node.leaf.id;
  node.leaf = leaf;
  return leaf.id;
}

function walk<T>(node: TrieNode<T>, path: string, start: number): Leaf<T> | null {
  let end = path.indexOf('/', start);
  const last = end === -1;
  if (last) end = path.length;
  if (node.statics !== null) {
    const child = node.statics.get(path.slice(start, end));
    if (child !== undefined) {
      const found = last ? (child.leaf ?? child.catchAll) : walk(child, path, end + 1);
      if (found !== null) return found;
    }
  }
  if (node.param !== null && end > start) {
    const found = last ? (node.param.leaf ?? node.param.catchAll) : walk(node.param, path, end + 1);
    if (found !== null) return found;
  }
  return node.catchAll;
}

/** Extracts `{param}` values of a template from a path it matched (diagnostics and tests). */
export function extractParams(template: string, path: string): Record<string, string> {
  const segments = parseTemplate(template);
  const parts = path.slice(1).split('/');
  const params: Record<string, string> = {};
  segments.forEach((segment, index) => {
    if (segment.kind === 'param') params[segment.name] = parts[index] ?? '';
    if (segment.kind === 'catch-all') params[segment.name] = parts.slice(index).join('/');
  });
  return params;
}
