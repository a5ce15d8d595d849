export type ChangeSeverity = 'breaking' | 'non-breaking';

export type ChangeCode =
  | 'path-removed'
  | 'path-added'
  | 'operation-removed'
  | 'operation-added'
  | 'parameter-added-required'
  | 'parameter-added-optional'
  | 'parameter-became-required'
  | 'parameter-became-optional'
  | 'parameter-removed'
  | 'request-body-added-required'
  | 'request-body-added-optional'
  | 'request-body-became-required'
  | 'request-body-became-optional'
  | 'request-body-removed'
  | 'media-type-removed'
  | 'media-type-added'
  | 'property-added-required'
  | 'property-became-required'
  | 'property-became-optional'
  | 'property-added'
  | 'property-removed'
  | 'response-status-removed'
  | 'response-status-added'
  | 'type-changed'
  | 'type-widened'
  | 'type-narrowed'
  | 'enum-value-removed'
  | 'enum-value-added'
  | 'enum-added'
  | 'enum-removed'
  | 'constraint-narrowed'
  | 'constraint-relaxed'
  | 'nullable-removed'
  | 'nullable-added'
  | 'variant-removed'
  | 'variant-added';

export interface ApiChange {
  severity: ChangeSeverity;
  code: ChangeCode;
  /** `GET /pets/{petId}` (the new template when the operation still exists). */
  operation: string | null;
  /** Where in the operation, e.g. `request.body[application/json].species` or `response[200].tag`. */
  location: string;
  message: string;
}

export interface DiffReport {
  breaking: ApiChange[];
  nonBreaking: ApiChange[];
  summary: { breaking: number; nonBreaking: number; compatible: boolean };
}

export type Direction = 'request' | 'response';

/** Collects changes for one diff run. */
export class ChangeLog {
  readonly changes: ApiChange[] = [];

  add(severity: ChangeSeverity, code: ChangeCode, operation: string | null, location: string, message: string): void {
    this.changes.push({ severity, code, operation, location, message });
  }

  report(): DiffReport {
    const breaking = this.changes.filter((change) => change.severity === 'breaking');
    const nonBreaking = this.changes.filter((change) => change.severity === 'non-breaking');
    return { breaking, nonBreaking, summary: { breaking: breaking.length, nonBreaking: nonBreaking.length, compatible: breaking.length === 0 } };
  }
}
