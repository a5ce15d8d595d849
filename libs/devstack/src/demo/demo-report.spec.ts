import { describe, expect, it } from 'vitest';
import { curlCommand, demoReport, describeAnswer, type DemoSummary } from './demo-report';

const summary: DemoSummary = {
  tenantId: 'demo',
  applicationId: 'app-1',
  echo: { url: 'http://127.0.0.1:9000', apiId: 'api-1', plan: 'demo (10 requests/s, 1000 requests/day)' },
  fakeModel: { baseUrl: 'http://127.0.0.1:40000/v1' },
  ai: { apiId: 'api-2', plan: 'demo-ai', model: 'demo-gpt' },
  calls: [{ title: 'Call the Echo API', curl: 'curl one', checked: { status: 200, note: '200 OK' } }],
  problems: [],
  secretsFile: '.gatehouse/secrets.json',
  adminTokenSource: 'generated',
  urlExports: ['export GATEHOUSE_GATEWAY=http://127.0.0.1:18080'],
};

describe('the demo printout', () => {
  it('quotes the token, the body and the URL for a POSIX shell', () => {
    expect(curlCommand('http://h/a?b=1&c=2', 'tok.en')).toBe(`curl -sS -H 'Authorization: Bearer tok.en' 'http://h/a?b=1&c=2'`);
    expect(curlCommand('http://h/x', 't', { text: "it's" })).toBe(`curl -sS -H 'Authorization: Bearer t' -H 'content-type: application/json' -d '{"text":"it'\\''s"}' 'http://h/x'`);
  });

  it('says what a check of the gateway showed, and why a 501 is not a failure of the demo', () => {
    expect(describeAnswer(200, '{}')).toBe('200 OK');
    expect(describeAnswer(429, '{"error":"rate_limited","message":"slow down"}')).toBe('429 rate_limited: slow down');
    const notConfigured = '{"error":{"message":"No AI provider is configured for this API yet.","type":"api_error","param":null,"code":"ai_not_configured"}}';
    expect(describeAnswer(501, notConfigured)).toMatch(/^501 ai_not_configured: No AI provider is configured for this API yet\. \(the gateway has not received the AI provider and model of the demo tenant yet;.*run the curl again/);
    expect(describeAnswer(400, '{"error":{"message":"missing model","type":"invalid_request_error","code":null}}')).toBe('400 missing model');
    expect(describeAnswer(502, 'Bad Gateway')).toBe('502 Bad Gateway');
  });

  it('prints the demo objects, each call with its check, the URL exports and the CLI next steps', () => {
    const text = demoReport(summary).join('\n');
    expect(text).toContain('Demo (tenant demo):');
    expect(text).toContain('Call the Echo API (checked: 200 OK):\n  curl one');
    expect(text).toContain('  export GATEHOUSE_GATEWAY=http://127.0.0.1:18080');
    expect(text).toContain('npx gatehouse token --app app-1 --api api-1');
    expect(text).toContain('kept in .gatehouse/secrets.json');
    expect(demoReport({ ...summary, ai: null, problems: ['the AI demo could not be set up: x'] }).join('\n')).toContain('  ! the AI demo could not be set up: x');
  });
});
