import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { parsePointer } from './json-pointer';

export interface SourcePosition {
  line: number;
  column: number;
}

const MAX_REF_HOPS = 32;

/**
 * Finds where a JSON pointer lands in the submitted text (JSON or YAML). A pointer into the
 * dereferenced document may pass through `$ref`s; those are followed inside the source so
 * the position is where the offending value is actually written.
 */
export class SourceLocator {
  private readonly lineCounter = new LineCounter();
  private readonly root: Node | null;

  constructor(text: string) {
    const document = parseDocument(text, { lineCounter: this.lineCounter, uniqueKeys: false, logLevel: 'silent' });
    this.root = (document.contents as Node | null) ?? null;
  }

  locate(pointer: string): SourcePosition | undefined {
    let segments: string[];
    try {
      segments = parsePointer(pointer);
    } catch {
      return undefined;
    }
    const node = this.walk(segments);
    if (!node?.range) return undefined;
    const { line, col } = this.lineCounter.linePos(node.range[0]);
    return { line, column: col };
  }

  /** The deepest node reached (the key of the last pair when there is one), following local `$ref`s. */
  private walk(segments: readonly string[]): Node | undefined {
    const reached = this.resolve(segments, 0);
    return reached.key ?? reached.value ?? undefined;
  }

  private resolve(segments: readonly string[], depth: number): { key?: Node; value: Node | null } {
    let node: Node | null = this.root;
    let key: Node | undefined;
    let index = 0;
    while (index < segments.length) {
      const segment = segments[index]!;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
        if (pair) {
          key = pair.key as Node;
          node = (pair.value as Node | null) ?? null;
          index++;
          continue;
        }
        const target = refOf(node);
        if (target === undefined || depth >= MAX_REF_HOPS) break;
        const resolved = this.resolve(parsePointer(target), depth + 1).value;
        if (!isMap(resolved) && !isSeq(resolved)) break;
        node = resolved;
        depth++;
        continue;
      }
      if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (!item) break;
        key = undefined;
        node = item;
        index++;
        continue;
      }
      break;
    }
    return { key, value: node };
  }
}

function refOf(node: Node): string | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => isScalar(item.key) && item.key.value === '$ref');
  const value = isScalar(pair?.value) ? pair.value.value : undefined;
  return typeof value === 'string' && value.startsWith('#') ? value : undefined;
}
