import { assertDocumentDepth } from './document-depth';
import { assertWithinLimit, type DocumentFormat, parseDocumentText } from './document-text';
import { validateOpenApi, type ValidatedDocument } from './openapi-validator';

export interface ImportedDocument extends ValidatedDocument {
  document: Record<string, unknown>;
  format: DocumentFormat;
  sizeBytes: number;
}

/**
 * Imports an OpenAPI 3.0/3.1 document given as JSON or YAML text, or as an already parsed
 * JSON object: size limit (413), syntax (422 with line and column), validation (422 with a
 * JSON pointer and, for text, the line of each problem).
 */
export async function importOpenApi(source: string | Record<string, unknown>, maxBytes: number): Promise<ImportedDocument> {
  if (typeof source === 'string') {
    const parsed = parseDocumentText(source, maxBytes);
    const validated = await validateOpenApi(parsed.value, source);
    return { ...validated, document: parsed.value, format: parsed.format, sizeBytes: parsed.sizeBytes };
  }
  assertDocumentDepth(source);
  const sizeBytes = Buffer.byteLength(JSON.stringify(source), 'utf8');
  assertWithinLimit(sizeBytes, maxBytes);
  const validated = await validateOpenApi(source);
  return { ...validated, document: source, format: 'json', sizeBytes };
}
