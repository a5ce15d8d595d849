import { describe, expect, it } from 'vitest';
import { createProviderSchema, providerShapeIssues } from './provider.dto';

describe('provider input', () => {
  it('refuses an unknown type, a base URL with credentials, query or another scheme, and a credential with line breaks', () => {
    const result = createProviderSchema.safeParse({ teamId: 't', name: 'x', type: 'bard', baseUrl: 'https://user:pw@example.com/v1?x=1', credential: 'sk-1\r\nX: y' });
    const messages = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'type: unknown provider type; expected one of openai, azure-openai, anthropic, gemini, mistral, cohere, openai-compatible',
        'baseUrl: the base URL must not carry credentials; give them as credential',
        'baseUrl: the base URL takes no query or fragment',
        'credential: the credential is printable ASCII without line breaks or surrounding spaces',
      ]),
    );
    expect(createProviderSchema.safeParse({ teamId: 't', name: 'x', type: 'openai', baseUrl: 'ftp://example.com' }).success).toBe(false);
  });

  it('answers an unparsable base URL with an issue, never an exception', () => {
    for (const baseUrl of ['a\u0000b', 'not a url', '']) {
      const result = createProviderSchema.safeParse({ teamId: 't', name: 'x', type: 'openai-compatible', baseUrl });
      expect(result.success).toBe(false);
      expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['baseUrl']);
    }
  });

  it('drops trailing slashes of the base URL', () => {
    expect(createProviderSchema.parse({ teamId: 't', name: 'x', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1/' }).baseUrl).toBe('http://127.0.0.1:11434/v1');
  });

  it('knows which fields each provider type needs and allows', () => {
    const shape = { baseUrl: 'https://x', apiVersion: null, deployment: null, hasCredential: true };
    expect(providerShapeIssues({ ...shape, type: 'openai' })).toEqual([]);
    expect(providerShapeIssues({ ...shape, type: 'openai-compatible', hasCredential: false })).toEqual([]);
    expect(providerShapeIssues({ ...shape, type: 'anthropic', hasCredential: false })).toEqual([{ path: 'credential', message: 'an anthropic provider needs a credential' }]);
    expect(providerShapeIssues({ ...shape, type: 'azure-openai', baseUrl: null, apiVersion: '2024-10-21', deployment: 'gpt4o' })).toEqual([
      { path: 'baseUrl', message: 'an azure-openai provider needs a baseUrl' },
    ]);
    expect(providerShapeIssues({ ...shape, type: 'mistral', apiVersion: 'v1', deployment: 'd' })).toEqual([
      { path: 'apiVersion', message: 'apiVersion applies to azure-openai and anthropic providers, not to mistral' },
      { path: 'deployment', message: 'deployment applies to azure-openai providers, not to mistral' },
    ]);
  });
});
