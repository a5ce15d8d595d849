import { describe, expect, it } from 'vitest';
import { isValidTemplate, joinPath, normalizeBasePath, normalizeTemplate, templateParameters } from './path-template';

describe('path templates', () => {
  it('joins base paths and templates without double or trailing slashes', () => {
    expect(joinPath('/petstore/v1/', '/pets/{petId}')).toBe('/petstore/v1/pets/{petId}');
    expect(joinPath('/', '/pets')).toBe('/pets');
    expect(joinPath('/api', '/')).toBe('/api');
    expect(joinPath('', '')).toBe('/');
    expect(normalizeBasePath('v1/')).toBe('/v1');
  });

  it('erases parameter names so /pets/{id} and /pets/{petId} are the same route', () => {
    expect(normalizeTemplate('/pets/{id}')).toBe(normalizeTemplate('/pets/{petId}'));
    expect(normalizeTemplate('/pets/{id}/photos/{photoId}.json')).toBe('/pets/{}/photos/{}.json');
    expect(normalizeTemplate('/pets/{id}')).not.toBe(normalizeTemplate('/pets/mine'));
  });

  it('lists parameters in order', () => {
    expect(templateParameters('/a/{x}/b/{y}')).toEqual(['x', 'y']);
  });

  it('accepts routable templates only', () => {
    expect(isValidTemplate('/pets/{petId}')).toBe(true);
    expect(isValidTemplate('/files/{name}.{ext}')).toBe(true);
    expect(isValidTemplate('pets')).toBe(false);
    expect(isValidTemplate('/pets/{id')).toBe(false);
    expect(isValidTemplate('/pets?x=1')).toBe(false);
    expect(isValidTemplate('/pets/ {id}')).toBe(false);
  });
});
