import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** What the admin tools take from an OpenAPI file before the catalog validates it. */
export interface OpenApiSource {
  /** The text as read, sent to the catalog unchanged (YAML or JSON). */
  readonly text: string;
  /** `info.title`, when present. */
  readonly title: string | undefined;
  /** The path of the first `servers[].url` (`/echo` from `https://api.example.com/echo`), when it is not `/`. */
  readonly serverPath: string | undefined;
}

/** Reads an OpenAPI document; a file that is not YAML or JSON is refused with its name. */
export async function readOpenApiFile(path: string): Promise<OpenApiSource> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the OpenAPI file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return describeOpenApi(text, path);
}

/** Title and server path of an OpenAPI text. */
export function describeOpenApi(text: string, name = 'the document'): OpenApiSource {
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new Error(`${name} is neither YAML nor JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof document !== 'object' || document === null) throw new Error(`${name} is not an OpenAPI document (no top-level object)`);
  const { info, servers } = document as { info?: { title?: unknown }; servers?: Array<{ url?: unknown }> };
  const title = typeof info?.title === 'string' && info.title.trim() ? info.title.trim() : undefined;
  const first = Array.isArray(servers) ? servers[0]?.url : undefined;
  return { text, title, serverPath: typeof first === 'string' ? serverPath(first) : undefined };
}

function serverPath(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, 'http://placeholder').pathname;
  } catch {
    return undefined;
  }
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' || /[{}]|%7B|%7D/i.test(trimmed) ? undefined : trimmed;
}

/** The body of `POST /apis/:id/versions` for an HTTP API in front of one upstream. */
export function httpVersionBody(input: { version: string; basePath: string; upstream: string; openapi: string }): Record<string, unknown> {
  return {
    version: input.version,
    basePath: input.basePath,
    upstream: { targets: [{ url: input.upstream, weight: 1 }] },
    auth: { methods: ['bearer'], requireEncryptedToken: false, scopes: [] },
    openapi: input.openapi,
  };
}
