import { escapeSegment } from './json-pointer';

const serializable = (value: unknown) => value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';

/**
 * For each line of `JSON.stringify(value, null, 2)`, the JSON pointer of the member that
 * line starts (closing brackets get their container's pointer). Validators that quote a
 * line of the pretty-printed document can so be traced back to a pointer.
 */
export function prettyJsonLinePointers(value: unknown): string[] {
  const lines: string[] = [''];
  const visit = (node: unknown, pointer: string) => {
    if (node !== null && typeof node === 'object' && typeof (node as { toJSON?: unknown }).toJSON === 'function') return;
    if (Array.isArray(node)) {
      if (node.length === 0) return;
      node.forEach((item, index) => {
        const child = `${pointer}/${index}`;
        lines.push(child);
        visit(serializable(item) ? item : null, child);
      });
      lines.push(pointer);
      return;
    }
    if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node).filter(([, item]) => serializable(item));
      if (entries.length === 0) return;
      for (const [key, item] of entries) {
        const child = `${pointer}/${escapeSegment(key)}`;
        lines.push(child);
        visit(item, child);
      }
      lines.push(pointer);
    }
  };
  visit(value, '');
  return lines;
}
