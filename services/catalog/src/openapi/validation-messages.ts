/** Pieces of one message of @readme/openapi-parser's validate(). */
export interface ParsedValidationMessage {
  text: string;
  /** 1-based line of JSON.stringify(dereferencedDocument, null, 2) the code frame points at. */
  frameLine?: number;
  /** Source of that line as quoted in the code frame. */
  frameSource?: string;
  /** A document path quoted between backticks, e.g. `/paths/a/{id}/get` (segments not escaped). */
  loosePath?: string;
  /** The `$ref` a "Missing $ref pointer" message names. */
  missingRef?: string;
}

const KEYWORD_PREFIX = /^(ENUM|REQUIRED|TYPE|ADDITIONAL PROPERTY|UNEVALUATED PROPERTY|PATTERN|CONST|FORMAT|MINIMUM|MAXIMUM|ONEOF|ANYOF|[A-Z][A-Z ]+[A-Z])\s+/;

export function parseValidationMessage(raw: string): ParsedValidationMessage {
  const [head = '', ...rest] = raw.split(/\n\s*\n/);
  const frame = rest.join('\n\n');
  let text = head.replace(/\s*\n\s*/g, ' ').replace(KEYWORD_PREFIX, '').trim();
  const result: ParsedValidationMessage = { text };
  const marked = /^>\s*(\d+)\s*\|\s?(.*)$/m.exec(frame);
  if (marked) {
    result.frameLine = Number(marked[1]);
    result.frameSource = marked[2]!;
    const hint = /\|\s*\^+\s*(.+)$/m.exec(frame)?.[1]?.trim();
    if (hint) text = `${text} (${hint.replace(/!$/, '')})`;
  }
  const loose = /`(\/[^`]*)`/.exec(head);
  if (loose) result.loosePath = loose[1]!;
  const missing = /Missing \$ref pointer "([^"]+)"/.exec(head);
  if (missing) result.missingRef = missing[1]!;
  result.text = text;
  return result;
}
