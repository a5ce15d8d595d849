import { describe, expect, it } from 'vitest';
import { AttemptFailure } from '../routing/policy-executor';
import { aiFactory, weatherTool } from '../testing/ai-factory';
import type { UpstreamResponse } from '../upstream/upstream-client';
import { chatNeeds, failedAttempt, fitContext } from './chat-service';

describe('chat planning', () => {
  it('needs tools and vision only when the request uses them', () => {
    expect(chatNeeds(aiFactory.request())).toEqual(['chat']);
    const request = aiFactory.request({ tools: [weatherTool], messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] });
    expect(chatNeeds(request)).toEqual(['chat', 'tools', 'vision']);
  });

  it('keeps the targets whose context window holds prompt and completion', () => {
    const small = aiFactory.target('openai', { id: 'small', contextWindow: 50 });
    const large = aiFactory.target('anthropic', { id: 'large', contextWindow: 1000 });
    const request = aiFactory.request({ messages: [{ role: 'user', content: 'x'.repeat(200) }], max_tokens: 10 });
    expect(fitContext(request, [small, large])).toEqual([large]);
    expect(() => fitContext(request, [small])).toThrow(
      "This model's maximum context length is 50 tokens. However, you requested about 64 tokens (54 in the messages, 10 in the completion).",
    );
  });
});

describe('failedAttempt', () => {
  it('cuts the credential out of a provider error before it reaches the client', async () => {
    const target = aiFactory.target('openai', {}, { apiKey: 'sk-live-0123456789' });
    const response: UpstreamResponse = {
      status: 401,
      headers: {},
      body: Object.assign((async function* () {})(), { text: async () => '{"error":{"message":"bad key sk-live-0123456789"}}', destroy: () => undefined }),
    };
    const failure = await failedAttempt(target, response).catch((error: unknown) => error as AttemptFailure);
    expect(failure).toBeInstanceOf(AttemptFailure);
    expect(failure.error.message).toBe("Provider 'openai' answered 401: bad key [redacted]");
    expect(failure.error.status).toBe(401);
  });
});
