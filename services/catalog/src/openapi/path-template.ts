/** Path templates: `/pets/{petId}` and `/pets/{id}` are the same route. */

const PARAMETER = /\{[^{}/]+\}/g;

/** Joins a base path and a template into one path: no double or trailing slashes (except `/`). */
export function joinPath(basePath: string, template: string): string {
  const joined = `/${basePath}/${template}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** The template with every parameter name erased, e.g. `/pets/{}`; used to detect collisions. */
export function normalizeTemplate(template: string): string {
  return joinPath('', template).replace(PARAMETER, '{}');
}

/** Parameter names of a template, in order. */
export function templateParameters(template: string): string[] {
  return [...template.matchAll(PARAMETER)].map((match) => match[0].slice(1, -1));
}

/** `/`-started, no whitespace, no query or fragment, balanced `{name}` parameters filling whole segments. */
export function isValidTemplate(template: string): boolean {
  if (!template.startsWith('/') || /[\s?#]/.test(template)) return false;
  return template.split('/').every((segment) => !/[{}]/.test(segment.replace(PARAMETER, '')) && !/\{[^}]*\{/.test(segment));
}

export function normalizeBasePath(basePath: string): string {
  return joinPath(basePath, '');
}
