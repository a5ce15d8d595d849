/** One problem found in an imported OpenAPI document, located as precisely as possible. */
export interface DocumentIssue {
  /** JSON pointer into the document ('' for the whole document). */
  path: string;
  /** 1-based line and column in the submitted text, when known. */
  line?: number;
  column?: number;
  message: string;
}

/** The document cannot be accepted. `status` is 413 (too large) or 422 (invalid). */
export class OpenApiDocumentError extends Error {
  constructor(
    readonly status: 413 | 422,
    readonly code: 'document_too_large' | 'invalid_document' | 'unsupported_document',
    message: string,
    readonly issues: readonly DocumentIssue[] = [],
  ) {
    super(message);
    this.name = 'OpenApiDocumentError';
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}
