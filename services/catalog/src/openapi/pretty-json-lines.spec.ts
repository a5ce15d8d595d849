import { describe, expect, it } from 'vitest';
import { fixtureDocument, fixtureNames } from '../testing/openapi-fixtures';
import { prettyJsonLinePointers } from './pretty-json-lines';

describe('prettyJsonLinePointers', () => {
  it('has one pointer per line of JSON.stringify(value, null, 2)', () => {
    for (const name of [fixtureNames.petstore30, fixtureNames.petstoreExpanded, fixtureNames.large]) {
      const document = fixtureDocument(name);
      expect(prettyJsonLinePointers(document)).toHaveLength(JSON.stringify(document, null, 2).split('\n').length);
    }
  });

  it('names the member each line starts, escaping / and ~', () => {
    const value = { paths: { '/a~b': { get: { tags: ['x'], empty: {}, none: [], skipped: undefined } } } };
    const lines = JSON.stringify(value, null, 2).split('\n');
    const pointers = prettyJsonLinePointers(value);
    expect(lines.map((line, index) => [line.trim(), pointers[index]])).toEqual([
      ['{', ''],
      ['"paths": {', '/paths'],
      ['"/a~b": {', '/paths/~1a~0b'],
      ['"get": {', '/paths/~1a~0b/get'],
      ['"tags": [', '/paths/~1a~0b/get/tags'],
      ['"x"', '/paths/~1a~0b/get/tags/0'],
      ['],', '/paths/~1a~0b/get/tags'],
      ['"empty": {},', '/paths/~1a~0b/get/empty'],
      ['"none": []', '/paths/~1a~0b/get/none'],
      ['}', '/paths/~1a~0b/get'],
      ['}', '/paths/~1a~0b'],
      ['}', '/paths'],
      ['}', ''],
    ]);
  });
});
