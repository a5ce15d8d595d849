import { describe, expect, it } from 'vitest';
import { describeOpenApi, httpVersionBody } from './openapi-source';

const doc = (servers: string) => `openapi: 3.0.3\ninfo:\n  title: ' Pets '\n  version: '1'\n${servers}paths: {}\n`;

describe('OpenAPI files for the admin tools', () => {
  it('takes the title and the path of the first server', () => {
    expect(describeOpenApi(doc('servers:\n  - url: /echo/\n'))).toMatchObject({ title: 'Pets', serverPath: '/echo' });
    expect(describeOpenApi(doc('servers:\n  - url: https://api.example.com/v2/pets\n  - url: /other\n')).serverPath).toBe('/v2/pets');
  });

  it('has no server path for the root, templated servers or none at all', () => {
    expect(describeOpenApi(doc('servers:\n  - url: https://api.example.com\n')).serverPath).toBeUndefined();
    expect(describeOpenApi(doc('servers:\n  - url: https://api.example.com/{basePath}\n')).serverPath).toBeUndefined();
    expect(describeOpenApi(doc('')).serverPath).toBeUndefined();
  });

  it('reads JSON too, and refuses what is not a document', () => {
    expect(describeOpenApi('{"openapi":"3.1.0","info":{"title":"J","version":"1"},"paths":{}}').title).toBe('J');
    expect(() => describeOpenApi('just text', 'x.yaml')).toThrow('x.yaml is not an OpenAPI document');
    expect(() => describeOpenApi('a: [unclosed', 'y.yaml')).toThrow('y.yaml is neither YAML nor JSON');
  });

  it('builds a version in front of one upstream, bearer tokens required', () => {
    expect(httpVersionBody({ version: 'v1', basePath: '/echo', upstream: 'http://127.0.0.1:9000', openapi: 'text' })).toEqual({
      version: 'v1',
      basePath: '/echo',
      upstream: { targets: [{ url: 'http://127.0.0.1:9000', weight: 1 }] },
      auth: { methods: ['bearer'], requireEncryptedToken: false, scopes: [] },
      openapi: 'text',
    });
  });
});
