import { describe, expect, it } from 'vitest';
import { fixtureDocument, fixtureNames, fixtureText } from '../testing/openapi-fixtures';
import { OpenApiDocumentError } from './document-issue';
import { importOpenApi } from './document-import';

const LIMIT = 5 * 1024 * 1024;

async function failure(source: string | Record<string, unknown>): Promise<OpenApiDocumentError> {
  try {
    await importOpenApi(source, LIMIT);
  } catch (error) {
    if (error instanceof OpenApiDocumentError) return error;
    throw error;
  }
  throw new Error('expected the document to be refused');
}

const yaml = (lines: string[]) => `${lines.join('\n')}\n`;

describe('importOpenApi', () => {
  it.each([
    [fixtureNames.petstore30, '3.0', 'yaml'],
    [fixtureNames.petstore30v2, '3.0', 'yaml'],
    [fixtureNames.petstore31, '3.1', 'yaml'],
    [fixtureNames.webhook31, '3.1', 'yaml'],
    [fixtureNames.petstoreExpanded, '3.0', 'json'],
    [fixtureNames.rcloneRc, '3.1', 'json'],
  ])('accepts the fixture %s', async (name, version, format) => {
    const text = fixtureText(name);
    const imported = await importOpenApi(text, LIMIT);
    expect(imported).toMatchObject({ openapiVersion: version, format, sizeBytes: Buffer.byteLength(text) });
    expect(imported.document).toEqual(fixtureDocument(name));
  });

  it('accepts the large generated description (350 paths) as text and as an object', async () => {
    const text = fixtureText(fixtureNames.large);
    const imported = await importOpenApi(text, LIMIT);
    expect(Object.keys(imported.document.paths as object)).toHaveLength(350);
    expect((await importOpenApi(JSON.parse(text) as Record<string, unknown>, LIMIT)).title).toBe('Acme Commerce Platform API');
  });

  it("accepts GitHub's REST description (13 MB) under a larger limit and refuses it at the default one with 413", async () => {
    const text = fixtureText(fixtureNames.githubRest);
    const started = Date.now();
    const imported = await importOpenApi(text, 64 * 1024 * 1024);
    console.log(`validated GitHub's REST description (${text.length} bytes) in ${Date.now() - started} ms`);
    expect(imported).toMatchObject({ openapiVersion: '3.0', format: 'json', sizeBytes: Buffer.byteLength(text) });
    expect(Object.keys(imported.document.paths as object)).toHaveLength(811);
    const refused = await failure(text);
    expect(refused.status).toBe(413);
    expect(refused.message).toMatch(/the limit is 5 MiB \(5242880 bytes\)/);
  }, 60_000);

  it("locates every error of Blockfrost's real description, which uses 3.1 null types under openapi 3.0.3", async () => {
    const text = fixtureText(fixtureNames.blockfrostInvalid);
    const nullTypeLines = text.split('\n').flatMap((line, index) => (/- type: 'null'$/.test(line) ? [index + 1] : []));
    const error = await failure(text);
    expect(error.status).toBe(422);
    expect(error.issues.length).toBeGreaterThanOrEqual(nullTypeLines.length);
    for (const issue of error.issues) {
      expect(issue.path).toMatch(/\/anyOf\/\d+\/type$/);
      expect(nullTypeLines).toContain(issue.line);
      expect(issue.message).toMatch(/allowed values/);
    }
    expect(new Set(error.issues.map((issue) => issue.line))).toEqual(new Set(nullTypeLines));
  }, 60_000);

  it('refuses a document over the limit with 413 and the limit in the message', async () => {
    const error = await (async () => {
      try {
        await importOpenApi(fixtureText(fixtureNames.large), 256 * 1024);
      } catch (caught) {
        return caught as OpenApiDocumentError;
      }
      throw new Error('expected 413');
    })();
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/the limit is 256 KiB \(262144 bytes\)/);
  });

  it('points every problem of an invalid document at its JSON pointer and line', async () => {
    const error = await failure(fixtureText(fixtureNames.invalid));
    expect(error.status).toBe(422);
    expect(error.issues).toEqual([
      expect.objectContaining({ path: '/paths/~1pets/get/responses/200/headers/x-next/schema/type', line: 20, message: expect.stringMatching(/allowed values.*did you mean string/i) }),
      expect.objectContaining({ path: '/paths/~1pets/post', line: 21, message: expect.stringMatching(/required property 'responses'/) }),
    ]);
    expect(error.message).toMatch(/^the OpenAPI document is invalid at line 20 \(\/paths\/~1pets\/get\/responses\/200\/headers\/x-next\/schema\/type\): must be equal to one of the allowed values .* \(and 1 more\)$/);
  });

  it('follows $refs to the line where a broken component is written', async () => {
    const text = yaml([
      'openapi: 3.0.3',
      'info: { title: t, version: "1" }',
      'paths:',
      '  /pets:',
      '    get:',
      '      responses:',
      "        '200':",
      '          description: ok',
      '          content:',
      '            application/json:',
      "              schema: { $ref: '#/components/schemas/Pet' }",
      'components:',
      '  schemas:',
      '    Pet:',
      '      type: object',
      '      properties:',
      '        id: { type: integr }',
    ]);
    const [issue] = (await failure(text)).issues;
    expect(issue!.line).toBe(17);
    expect(issue!.path).toMatch(/\/properties\/id\/type$/);
  });

  it('locates a $ref to nothing', async () => {
    const text = yaml(['openapi: 3.1.0', 'info: { title: t, version: "1" }', 'paths:', '  /pets:', '    get:', '      responses:', "        '200':", '          description: ok', '          content:', '            application/json:', "              schema: { $ref: '#/components/schemas/Nope' }"]);
    const error = await failure(text);
    expect(error.issues[0]).toMatchObject({ path: '/paths/~1pets/get/responses/200/content/application~1json/schema/$ref', line: 11 });
    expect(error.issues[0]!.message).toMatch(/#\/components\/schemas\/Nope/);
  });

  it('locates a path parameter that is not declared', async () => {
    const text = yaml(['openapi: 3.0.0', 'info: { title: t, version: "1" }', 'paths:', '  /pets/{petId}:', '    get:', '      responses:', "        '200': { description: ok }"]);
    const error = await failure(text);
    expect(error.issues[0]).toMatchObject({ path: '/paths/~1pets~1{petId}/get', line: 5, message: expect.stringMatching(/missing path parameter/) });
  });

  it('refuses Swagger 2.0 with a clear way forward', async () => {
    const error = await failure(fixtureText(fixtureNames.swagger20));
    expect(error.code).toBe('unsupported_document');
    expect(error.message).toMatch(/^Swagger 2\.0 is not supported; convert the document to OpenAPI 3/);
    expect(error.issues[0]).toMatchObject({ path: '/swagger', line: 2 });
  });

  it('refuses other OpenAPI versions and documents without one', async () => {
    expect((await failure(yaml(['openapi: 3.2.0', 'info: { title: t, version: "1" }', 'paths: {}']))).message).toMatch(/OpenAPI 3\.2\.0 is not supported/);
    expect((await failure(yaml(['info: { title: t, version: "1" }', 'paths: {}']))).issues[0]).toMatchObject({ path: '/openapi' });
  });

  it('refuses external $refs, which are never fetched', async () => {
    const text = yaml(['openapi: 3.0.0', 'info: { title: t, version: "1" }', 'paths:', '  /pets:', '    get:', '      responses:', "        '200': { $ref: 'https://example.com/responses.yaml#/Ok' }"]);
    const error = await failure(text);
    expect(error.issues[0]).toMatchObject({ path: '/paths/~1pets/get/responses/200/$ref', line: 7 });
    expect(error.message).toMatch(/external \$ref/);
  });

  it('gives pointers without lines for a document sent as a JSON object', async () => {
    const error = await failure({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: { '/a': { get: {} } } });
    expect(error.issues[0]).toEqual({ path: '/paths/~1a/get', message: expect.stringMatching(/responses/) });
  });
});
