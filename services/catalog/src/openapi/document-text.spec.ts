import { describe, expect, it } from 'vitest';
import { OpenApiDocumentError } from './document-issue';
import { MAX_DOCUMENT_DEPTH } from './document-depth';
import { parseDocumentText } from './document-text';

const failure = (run: () => unknown): OpenApiDocumentError => {
  try {
    run();
  } catch (error) {
    if (error instanceof OpenApiDocumentError) return error;
    throw error;
  }
  throw new Error('expected an OpenApiDocumentError');
};

describe('parseDocumentText', () => {
  it('reads JSON and YAML', () => {
    expect(parseDocumentText('{"openapi":"3.0.0"}', 1024)).toMatchObject({ format: 'json', value: { openapi: '3.0.0' }, sizeBytes: 19 });
    expect(parseDocumentText('openapi: 3.1.0\ninfo:\n  title: x\n', 1024)).toMatchObject({ format: 'yaml', value: { openapi: '3.1.0', info: { title: 'x' } } });
  });

  it('refuses documents nested deeper than the limit before any recursive step, JSON and YAML alike', () => {
    const deep = 5_000;
    for (const text of [`${'['.repeat(deep)}${']'.repeat(deep)}`, `${'{"a":'.repeat(deep)}1${'}'.repeat(deep)}`, `${'- '.repeat(deep)}x`, `a:\n${Array.from({ length: 300 }, (_, index) => `${' '.repeat(index + 1)}a:`).join('\n')}`]) {
      const error = failure(() => parseDocumentText(text, 10_000_000));
      expect(error.status).toBe(422);
      expect(error.message).toContain(`more than ${MAX_DOCUMENT_DEPTH} levels deep`);
    }
    const fine = `${'{"a":'.repeat(MAX_DOCUMENT_DEPTH - 1)}1${'}'.repeat(MAX_DOCUMENT_DEPTH - 1)}`;
    expect(parseDocumentText(fine, 10_000_000).format).toBe('json');
    expect(parseDocumentText(`${'- '.repeat(MAX_DOCUMENT_DEPTH - 1)}x`.replace(/^/, 'a:\n  '), 10_000_000).format).toBe('yaml');
  });

  it('refuses a document over the limit with 413 naming the limit', () => {
    const error = failure(() => parseDocumentText(`openapi: 3.0.0\ndescription: "${'x'.repeat(2000)}"`, 1024));
    expect(error.status).toBe(413);
    expect(error.message).toContain('the limit is 1 KiB (1024 bytes)');
  });

  it('locates YAML syntax errors by line and column', () => {
    const error = failure(() => parseDocumentText('openapi: 3.0.0\ninfo:\n  title: [unclosed\npaths: {}\n', 1024));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/not valid YAML/);
    expect(error.issues[0]).toMatchObject({ path: '' });
    expect(error.issues[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('locates JSON syntax errors by line', () => {
    const error = failure(() => parseDocumentText('{\n  "openapi": "3.0.0",\n  "info": {,\n}\n', 1024));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.issues[0]!.line).toBe(3);
  });

  it('refuses duplicate keys, empty text and non-objects', () => {
    expect(failure(() => parseDocumentText('openapi: 3.0.0\nopenapi: 3.1.0\n', 1024)).issues[0]).toMatchObject({ line: 2 });
    expect(failure(() => parseDocumentText('   ', 1024)).message).toMatch(/empty/);
    expect(failure(() => parseDocumentText('- a\n- b\n', 1024)).message).toMatch(/must be a JSON or YAML object/);
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, index) => `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [${Array(9).fill(`*${String.fromCharCode(97 + index)}`).join(',')}]`)].join('\n');
    expect(failure(() => parseDocumentText(bomb, 1 << 20)).status).toBe(422);
  });
});
