import { describe, expect, it } from 'vitest';
import { isRejection, normalizeTarget } from './path-normalizer';

const ok = (url: string) => {
  const result = normalizeTarget(url);
  if (isRejection(result)) throw new Error(`refused ${url}: ${result.message}`);
  return result;
};
const refused = (url: string) => {
  const result = normalizeTarget(url);
  if (!isRejection(result)) throw new Error(`accepted ${url} as ${result.path}`);
  return result;
};

describe('normalizeTarget', () => {
  it('keeps a canonical path and its query untouched without copying', () => {
    expect(ok('/pets/v1/pets/42?limit=10&x=%2F')).toEqual({ path: '/pets/v1/pets/42', encodedPath: '/pets/v1/pets/42', query: '?limit=10&x=%2F' });
    expect(ok('/.well-known/x').path).toBe('/.well-known/x');
  });

  it('collapses duplicate slashes and keeps a trailing slash', () => {
    expect(ok('//pets///v1//').path).toBe('/pets/v1/');
    expect(ok('/pets//42').path).toBe('/pets/42');
  });

  it('resolves dot segments, encoded or not', () => {
    expect(ok('/a/./b/../c').path).toBe('/a/c');
    expect(ok('/a/%2e%2E/b').path).toBe('/b');
    expect(ok('/a/b/..').path).toBe('/a/');
    expect(ok('/a/.').path).toBe('/a/');
  });

  it('refuses a path that climbs above the root', () => {
    expect(refused('/..').code).toBe('path_traversal');
    expect(refused('/a/../../etc/passwd').code).toBe('path_traversal');
    expect(refused('/%2e%2e/secret').code).toBe('path_traversal');
  });

  it('refuses encoded slashes and backslashes', () => {
    expect(refused('/a%2Fb').code).toBe('invalid_path');
    expect(refused('/a%2fb').code).toBe('invalid_path');
    expect(refused('/a%5Cb').code).toBe('invalid_path');
    expect(refused('/a\\b').code).toBe('invalid_path');
  });

  it('refuses malformed percent-encoding, control characters and invalid UTF-8', () => {
    expect(refused('/a%zz').message).toMatch(/percent/);
    expect(refused('/a%4').code).toBe('invalid_path');
    expect(refused('/a%00b').message).toMatch(/control/);
    expect(refused('/a%0d%0aX-Injected:%201').message).toMatch(/control/);
    expect(refused('/a%C3%28').message).toMatch(/UTF-8/);
    expect(refused('/a%FF').message).toMatch(/UTF-8/);
    expect(refused('/a%C2%85').message).toMatch(/control/);
  });

  it('decodes valid UTF-8 for matching and re-encodes it canonically for the upstream', () => {
    const result = ok('/caf%C3%A9/a%20b/%7Euser/x:y');
    expect(result.path).toBe('/café/a b/~user/x:y');
    expect(result.encodedPath).toBe('/caf%C3%A9/a%20b/~user/x:y');
  });

  it('refuses targets that are not origin-form or carry a fragment', () => {
    expect(refused('http://evil/x').status).toBe(400);
    expect(refused('*').status).toBe(400);
    expect(refused('/a#frag').status).toBe(400);
    expect(refused('/a?q=1#frag').status).toBe(400);
  });
});
