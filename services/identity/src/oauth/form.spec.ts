import { describe, expect, it } from 'vitest';
import { FormParams, parseScope } from './form';
import type { OAuthError } from './oauth-error';

const fail = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return { error: (error as OAuthError).error, status: (error as OAuthError).status };
  }
  return null;
};

describe('FormParams', () => {
  it('treats empty values as absent and refuses repeated single-valued parameters', () => {
    const form = FormParams.fromSearchParams(new URLSearchParams('grant_type=client_credentials&scope=&resource=a:b&resource=c:d&dup=1&dup=2'));
    expect(form.required('grant_type')).toBe('client_credentials');
    expect(form.optional('scope')).toBeUndefined();
    expect(form.all('resource')).toEqual(['a:b', 'c:d']);
    expect(fail(() => form.optional('dup'))).toEqual({ error: 'invalid_request', status: 400 });
    expect(fail(() => form.required('missing'))).toEqual({ error: 'invalid_request', status: 400 });
  });

  it('limits parameter count and value length', () => {
    const many = new URLSearchParams(Array.from({ length: 101 }, (_, index): [string, string] => [`p${index}`, '1']));
    expect(fail(() => FormParams.fromSearchParams(many))).toEqual({ error: 'invalid_request', status: 413 });
    const long = FormParams.fromSearchParams(new URLSearchParams({ scope: 'a'.repeat(20_000) }));
    expect(fail(() => long.optional('scope'))).toEqual({ error: 'invalid_request', status: 400 });
  });

  it('does not read inherited properties', () => {
    const form = FormParams.fromSearchParams(new URLSearchParams('a=1'));
    expect(form.optional('toString')).toBeUndefined();
    expect(form.optional('__proto__')).toBeUndefined();
  });
});

describe('parseScope', () => {
  it('splits, dedupes and checks the scope-token grammar', () => {
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope('read  write read')).toEqual(['read', 'write']);
    expect(fail(() => parseScope('read "write"'))).toEqual({ error: 'invalid_scope', status: 400 });
  });
});
