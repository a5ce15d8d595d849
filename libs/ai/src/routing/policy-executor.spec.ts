import { describe, expect, it } from 'vitest';
import { AiError } from '../errors/ai-error';
import { aiFactory } from '../testing/ai-factory';
import { AttemptFailure, formatAttempts, PolicyError, runPolicy, type AttemptRecord } from './policy-executor';
import { orderTargets } from './target-order';

const a = aiFactory.target('anthropic', { id: 'claude' }, { id: 'anthropic' });
const b = aiFactory.target('openai', { id: 'gpt' }, { id: 'openai' });
const c = aiFactory.target('gemini', { id: 'flash' }, { id: 'gemini' });

type Outcome = number | 'timeout' | 'unsupported' | 'connection';
function scripted(outcomes: Record<string, Outcome[]>) {
  return async (target: typeof a, controller: AbortController) => {
    const outcome = outcomes[target.provider.id]!.shift()!;
    if (outcome === 200) return target.provider.id;
    if (outcome === 'timeout') return new Promise<string>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason)));
    if (outcome === 'unsupported') throw new AiError('unsupported_parameter', 'n is not supported', 'n');
    if (outcome === 'connection') throw new Error('ECONNREFUSED');
    throw new AttemptFailure(new AiError(outcome === 429 ? 'rate_limit_exceeded' : outcome >= 500 ? 'provider_error' : 'invalid_request', `HTTP ${outcome}`), outcome);
  };
}

async function failure(promise: Promise<unknown>): Promise<PolicyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('runPolicy', () => {
  it('moves to the next target on 429, 5xx, timeout and connection errors', async () => {
    const seen: AttemptRecord[] = [];
    const d = aiFactory.target('mistral', { id: 'small' }, { id: 'mistral' });
    const result = await runPolicy(
      { targets: [a, b, c, d], retries: 0, timeoutMs: 20, onAttempt: (attempt) => seen.push(attempt) },
      'm',
      scripted({ anthropic: [429], openai: ['timeout'], gemini: ['connection'], mistral: [200] }),
    );
    expect(result.value).toBe('mistral');
    expect(formatAttempts(result.attempts)).toBe('anthropic:claude=429,openai:gpt=timeout,gemini:flash=error,mistral:small=200');
    expect(seen.map((attempt) => attempt.outcome)).toEqual(['429', 'timeout', 'error', '200']);
  });

  it('retries the same target on 5xx, but never on 429', async () => {
    const result = await runPolicy({ targets: [a, b], retries: 2, timeoutMs: 1000, retryBackoffMs: 1 }, 'm', scripted({ anthropic: [503, 500, 200], openai: [200] }));
    expect(formatAttempts(result.attempts)).toBe('anthropic:claude=503,anthropic:claude=500,anthropic:claude=200');
    const limited = await runPolicy({ targets: [a, b], retries: 2, timeoutMs: 1000, retryBackoffMs: 1 }, 'm', scripted({ anthropic: [429], openai: [200] }));
    expect(formatAttempts(limited.attempts)).toBe('anthropic:claude=429,openai:gpt=200');
  });

  it('stops at a provider 4xx other than 429', async () => {
    const error = await failure(runPolicy({ targets: [a, b], retries: 0, timeoutMs: 1000 }, 'm', scripted({ anthropic: [400], openai: [200] })));
    expect(error.error.status).toBe(400);
    expect(formatAttempts(error.attempts)).toBe('anthropic:claude=400');
  });

  it('skips a target the request cannot be translated for, and reports that error if none can serve', async () => {
    const result = await runPolicy({ targets: [a, b], retries: 0, timeoutMs: 1000 }, 'm', scripted({ anthropic: ['unsupported'], openai: [200] }));
    expect(formatAttempts(result.attempts)).toBe('anthropic:claude=unsupported,openai:gpt=200');
    const error = await failure(runPolicy({ targets: [a], retries: 0, timeoutMs: 1000 }, 'm', scripted({ anthropic: ['unsupported'] })));
    expect(error.error).toMatchObject({ status: 400, param: 'n' });
  });

  it('answers 429, 503, 504 or 502 when every target failed', async () => {
    const run = (outcomes: Record<string, Outcome[]>) => failure(runPolicy({ targets: [a, b], retries: 0, timeoutMs: 20 }, 'm', scripted(outcomes)));
    expect((await run({ anthropic: [429], openai: [429] })).error.status).toBe(429);
    expect((await run({ anthropic: [500], openai: [503] })).error.status).toBe(503);
    expect((await run({ anthropic: [503], openai: ['timeout'] })).error.status).toBe(504);
    expect((await run({ anthropic: [429], openai: [500] })).error).toMatchObject({ status: 502, message: "Every provider for model 'm' failed (anthropic:claude=429,openai:gpt=500)" });
  });
});

describe('orderTargets', () => {
  const targets = [
    { provider: 'a', model: 'm', weight: 3 },
    { provider: 'b', model: 'm', weight: 1 },
    { provider: 'fallback-1', model: 'm', weight: 0 },
    { provider: 'fallback-2', model: 'm', weight: 0 },
  ];

  it('puts weight-0 fallbacks last, in list order', () => {
    expect(orderTargets(targets).slice(2).map((target) => target.provider)).toEqual(['fallback-1', 'fallback-2']);
  });

  it('puts targets first in proportion to their weights', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let first = 0;
    for (let index = 0; index < 4000; index += 1) if (orderTargets(targets, random)[0]!.provider === 'a') first += 1;
    expect(first / 4000).toBeGreaterThan(0.72);
    expect(first / 4000).toBeLessThan(0.78);
  });

  it('keeps a single weighted target first', () => {
    expect(orderTargets([{ provider: 'x', model: 'm', weight: 0 }, { provider: 'y', model: 'm', weight: 2 }]).map((target) => target.provider)).toEqual(['y', 'x']);
  });
});
