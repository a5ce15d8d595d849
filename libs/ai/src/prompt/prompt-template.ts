const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of the `{{name}}` placeholders of a template, in order of appearance. */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(placeholder)].map((match) => match[1]!);
}

/** Plain text of a variable value. */
export function variableText(value: string | number | boolean | undefined): string {
  return value === undefined ? '' : String(value);
}

/**
 * Replaces each `{{name}}` of the template in one pass. Values are inserted as data: they are
 * never scanned for placeholders and never evaluated, so a value containing `{{other}}` or
 * `$&` stays exactly as given.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string | number | boolean | undefined>>): string {
  return template.replace(placeholder, (_match, name: string) => variableText(Object.hasOwn(values, name) ? values[name] : undefined));
}
