import { LineCounter, parse as parseYaml, parseDocument, YAMLParseError } from 'yaml';
import { assertDocumentDepth, assertYamlDepth } from './document-depth';
import { type DocumentIssue, formatBytes, OpenApiDocumentError } from './document-issue';
import { isRecord } from './json-pointer';

export type DocumentFormat = 'json' | 'yaml';

export interface DocumentText {
  value: Record<string, unknown>;
  format: DocumentFormat;
  sizeBytes: number;
}

const yamlOptions = { maxAliasCount: 100, uniqueKeys: true, prettyErrors: false, merge: false, logLevel: 'error' } as const;

export function assertWithinLimit(sizeBytes: number, maxBytes: number): void {
  if (sizeBytes > maxBytes) {
    throw new OpenApiDocumentError(
      413,
      'document_too_large',
      `OpenAPI document is ${formatBytes(sizeBytes)} (${sizeBytes} bytes); the limit is ${formatBytes(maxBytes)} (${maxBytes} bytes)`,
    );
  }
}

function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

function yamlIssues(text: string): DocumentIssue[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { ...yamlOptions, prettyErrors: true, lineCounter });
  return document.errors.slice(0, 20).map((error) => issueOf(error));
}

function issueOf(error: YAMLParseError): DocumentIssue {
  const [start] = error.linePos ?? [];
  const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return { path: '', ...(start ? { line: start.line, column: start.col } : {}), message };
}

/**
 * Parses the text of an OpenAPI document, JSON or YAML (JSON is tried first when the text
 * looks like JSON, since it is much faster on large documents). Syntax errors come back as
 * a 422 with their line and column.
 */
export function parseDocumentText(text: string, maxBytes: number): DocumentText {
  const sizeBytes = Buffer.byteLength(text, 'utf8');
  assertWithinLimit(sizeBytes, maxBytes);
  if (text.trim() === '') throw new OpenApiDocumentError(422, 'invalid_document', 'the OpenAPI document is empty');
  let value: unknown;
  let format: DocumentFormat = 'yaml';
  if (looksLikeJson(text)) {
    try {
      value = JSON.parse(text);
      format = 'json';
    } catch {
      value = undefined;
    }
    if (format === 'json') assertDocumentDepth(value);
  }
  if (format === 'yaml') {
    assertYamlDepth(text);
    try {
      value = parseYaml(text, yamlOptions);
    } catch (error) {
      if (!(error instanceof YAMLParseError) && !(error instanceof Error)) throw error;
      const issues = yamlIssues(text);
      const kind = looksLikeJson(text) ? 'JSON' : 'YAML';
      throw new OpenApiDocumentError(422, 'invalid_document', `the OpenAPI document is not valid ${kind}: ${issues[0]?.message ?? (error as Error).message}`, issues);
    }
  }
  if (!isRecord(value)) throw new OpenApiDocumentError(422, 'invalid_document', 'the OpenAPI document must be a JSON or YAML object');
  return { value, format, sizeBytes };
}
