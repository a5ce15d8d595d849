import { Injectable } from '@nestjs/common';
import { AppError } from '@gatehouse/platform';
import { CatalogSettings } from '../common/catalog-settings';
import { OpenApiDocumentError } from '../openapi/document-issue';
import { type ImportedDocument, importOpenApi } from '../openapi/document-import';
import { declaredRoutes, deriveRoutes, type RouteDraft } from './route-derivation';

export interface VersionSurface {
  imported: ImportedDocument | null;
  routes: RouteDraft[];
}

/** Turns a submitted document and/or declared routes into what a version stores; errors become 413/422 answers. */
@Injectable()
export class VersionDocumentService {
  constructor(private readonly settings: CatalogSettings) {}

  async import(source: string | Record<string, unknown>): Promise<ImportedDocument> {
    try {
      return await importOpenApi(source, this.settings.openapiMaxBytes);
    } catch (error) {
      throw toAppError(error);
    }
  }

  routes(document: Record<string, unknown> | null, declared: ReadonlyArray<{ path: string; methods: RouteDraft['methods'] }> | null, basePath: string): RouteDraft[] {
    try {
      if (declared) return declaredRoutes(declared, basePath);
      return document ? deriveRoutes(document, basePath) : [];
    } catch (error) {
      throw toAppError(error);
    }
  }
}

export function toAppError(error: unknown): unknown {
  if (!(error instanceof OpenApiDocumentError)) return error;
  return new AppError(error.status, error.status === 413 ? 'payload_too_large' : error.code, error.message, error.issues.length ? { issues: error.issues } : undefined);
}
