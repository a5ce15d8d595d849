import { dereference, validate } from '@readme/openapi-parser';
import { type DocumentIssue, OpenApiDocumentError } from './document-issue';
import { findExternalRefs, findRefUsages, resolveLoosePath } from './loose-path';
import { prettyJsonLinePointers } from './pretty-json-lines';
import { SourceLocator } from './source-locator';
import { parseValidationMessage } from './validation-messages';

export type OpenApiVersion = '3.0' | '3.1';

export interface ValidatedDocument {
  openapiVersion: OpenApiVersion;
  openapi: string;
  title: string;
  warnings: string[];
}

const SWAGGER_MESSAGE =
  'Swagger 2.0 is not supported; convert the document to OpenAPI 3 first (for example with `npx swagger2openapi swagger.yaml -o openapi.yaml` or https://converter.swagger.io) and import the result';

const MAX_ISSUES = 20;

/**
 * Validates an OpenAPI 3.0 or 3.1 document with @readme/openapi-parser and turns every
 * error into `{ path, line, column, message }`: `path` is a JSON pointer into the document
 * and the line and column point into `text` (the submitted text) when it is given.
 */
export async function validateOpenApi(document: Record<string, unknown>, text?: string): Promise<ValidatedDocument> {
  const openapiVersion = checkVersion(document, text);
  const external = findExternalRefs(document);
  if (external.length > 0) {
    throw invalid(
      text,
      external.map(({ pointer, ref }) => ({ path: pointer, message: `external $ref "${ref}" cannot be resolved here; bundle the document into one file first` })),
    );
  }
  let result: Awaited<ReturnType<typeof validate>>;
  try {
    result = await validate(structuredClone(document) as never, { resolve: { external: false }, validate: { errors: { colorize: false } }, timeoutMs: 20_000 });
  } catch (error) {
    throw invalid(text, [{ path: '', message: `the document could not be validated: ${(error as Error).message}` }]);
  }
  if (!result.valid) {
    const issues = await locateIssues(document, text, result.errors.map((error) => error.message));
    const more = result.additionalErrors > 0 ? ` (${result.additionalErrors} further errors not shown)` : '';
    throw invalid(text, issues, more);
  }
  const info = document.info as { title?: unknown } | undefined;
  return {
    openapiVersion,
    openapi: String(document.openapi),
    title: typeof info?.title === 'string' ? info.title : '',
    warnings: result.warnings.map((warning) => warning.message),
  };
}

function checkVersion(document: Record<string, unknown>, text: string | undefined): OpenApiVersion {
  if (document.swagger !== undefined) {
    throw new OpenApiDocumentError(422, 'unsupported_document', SWAGGER_MESSAGE, withPosition(text, [{ path: '/swagger', message: SWAGGER_MESSAGE }]));
  }
  const version = document.openapi;
  if (typeof version !== 'string') {
    const message = 'the document has no `openapi` version field; OpenAPI 3.0.x and 3.1.x documents are supported';
    throw new OpenApiDocumentError(422, 'invalid_document', message, [{ path: '/openapi', message }]);
  }
  const match = /^3\.([01])\.\d+(-[0-9A-Za-z.-]+)?$/.exec(version);
  if (!match) {
    const message = `OpenAPI ${version} is not supported; OpenAPI 3.0.x and 3.1.x documents are`;
    throw new OpenApiDocumentError(422, 'unsupported_document', message, withPosition(text, [{ path: '/openapi', message }]));
  }
  return match[1] === '0' ? '3.0' : '3.1';
}

function invalid(text: string | undefined, found: DocumentIssue[], suffix = ''): OpenApiDocumentError {
  const issues = withPosition(text, found);
  const [first] = issues;
  const where = [first?.line ? `line ${first.line}` : '', first?.path ? `(${first.path})` : ''].filter(Boolean).join(' ');
  const others = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new OpenApiDocumentError(422, 'invalid_document', `the OpenAPI document is invalid${where ? ` at ${where}` : ''}: ${first?.message ?? 'unknown error'}${others}${suffix}`, issues);
}

function withPosition(text: string | undefined, issues: DocumentIssue[]): DocumentIssue[] {
  if (text === undefined || issues.length === 0) return issues;
  let locator: SourceLocator;
  try {
    locator = new SourceLocator(text);
  } catch {
    return issues;
  }
  return issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const position = locator.locate(issue.path);
    return position ? { ...issue, line: position.line, column: position.column } : issue;
  });
}

async function locateIssues(document: Record<string, unknown>, text: string | undefined, messages: string[]): Promise<DocumentIssue[]> {
  let framed: { pointers: string[]; lines: string[] } | undefined;
  const frameIndex = async () => {
    if (!framed) {
      try {
        const dereferenced = await dereference(structuredClone(document) as never, { resolve: { external: false }, dereference: { circular: 'ignore' } });
        framed = { pointers: prettyJsonLinePointers(dereferenced), lines: JSON.stringify(dereferenced, null, 2).split('\n') };
      } catch {
        framed = { pointers: [], lines: [] };
      }
    }
    return framed;
  };
  const issues: DocumentIssue[] = [];
  for (const raw of messages.slice(0, MAX_ISSUES)) {
    const parsed = parseValidationMessage(raw);
    let path = '';
    if (parsed.frameLine !== undefined) {
      const index = await frameIndex();
      const line = index.lines[parsed.frameLine - 1];
      if (line !== undefined && line.trim() === parsed.frameSource?.trim()) path = index.pointers[parsed.frameLine - 1] ?? '';
    } else if (parsed.missingRef !== undefined) {
      path = findRefUsages(document, parsed.missingRef, 1)[0] ?? '';
    } else if (parsed.loosePath !== undefined) {
      path = resolveLoosePath(document, parsed.loosePath);
    }
    issues.push({ path, message: parsed.text });
  }
  return issues;
}
