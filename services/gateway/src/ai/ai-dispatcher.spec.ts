import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AiHandler } from '@gatehouse/ai';
import { describe, expect, it, vi } from 'vitest';
import { createAiDispatcher } from './ai-dispatcher';

function capture() {
  const sent: { status?: number; headers?: Record<string, unknown>; body?: string } = {};
  const res = { writeHead: (status: number, headers: Record<string, unknown>) => Object.assign(sent, { status, headers }), end: (body: string) => void (sent.body = body) };
  return { res: res as unknown as ServerResponse, sent };
}

const usage = { provider: 'p', model: 'm', promptTokens: 1, completionTokens: 1, cachedTokens: 0, costMicros: 13, currency: 'USD', priced: true, estimated: false, attempts: 'p:m=200' };

describe('createAiDispatcher', () => {
  const req = { url: '/llm/v1/chat/completions', method: 'POST', headers: {} } as IncomingMessage;

  it("serves a request with the handler of the matched route's tenant, context included", async () => {
    const acme = Object.assign(vi.fn(async () => usage), { upstream: {} }) as unknown as AiHandler;
    const globex = Object.assign(vi.fn(async () => null), { upstream: {} }) as unknown as AiHandler;
    const handlers = new Map([['acme', acme], ['globex', globex]]);
    const dispatch = createAiDispatcher({ handlerFor: (tenant) => handlers.get(tenant) });
    const { res } = capture();
    expect(await dispatch(req, res, { tenantId: 'acme' })).toBe(usage);
    expect(acme).toHaveBeenCalledWith(req, res, { tenantId: 'acme' });
    expect(globex).not.toHaveBeenCalled();
    expect(await dispatch(req, res, { tenantId: 'globex', promptApiId: 'r-globex' })).toBeNull();
    expect(globex).toHaveBeenCalledWith(req, res, { tenantId: 'globex', promptApiId: 'r-globex' });
  });

  it('answers 501 in OpenAI error shape when the tenant has no AI provider yet', async () => {
    const dispatch = createAiDispatcher({ handlerFor: () => undefined });
    const { res, sent } = capture();
    expect(await dispatch(req, res, { tenantId: 'initech' })).toBeNull();
    expect(sent.status).toBe(501);
    expect(JSON.parse(sent.body!)).toEqual({ error: { message: 'No AI provider is configured for this API yet.', type: 'api_error', param: null, code: 'ai_not_configured' } });
  });
});
