import type { ProviderType } from '../config/ai-config';
import { anthropicFake } from './fakes/anthropic.fake';
import { cohereFake } from './fakes/cohere.fake';
import { geminiFake } from './fakes/gemini.fake';
import { mistralFake } from './fakes/mistral.fake';
import { azureOpenAiFake, openAiCompatibleFake, openAiFake } from './fakes/openai.fake';
import { startFake, type FakeProvider, type FakeProviderOptions, type FakeSpec } from './fake-server';

export type { FakeProvider, FakeBehavior, FakeRequest, FakeProviderOptions } from './fake-server';

/** The fake of each provider type. */
export const fakeSpecs: Readonly<Record<ProviderType, FakeSpec>> = {
  openai: openAiFake,
  'azure-openai': azureOpenAiFake,
  anthropic: anthropicFake,
  gemini: geminiFake,
  mistral: mistralFake,
  cohere: cohereFake,
  'openai-compatible': openAiCompatibleFake,
};

/**
 * Starts a loopback server that validates requests the way the provider documents, answers
 * from the recorded fixtures under `libs/ai/fixtures/<type>/` (JSON and SSE streams), and
 * records what it received. Knobs (`behavior`): injected failures (429/5xx), delays (timeouts),
 * stream pacing and a cut-off mid-stream.
 */
export function startFakeProvider(type: ProviderType, options: FakeProviderOptions = {}): Promise<FakeProvider> {
  return startFake(fakeSpecs[type], options);
}

/** Starts one fake per type given. */
export async function startFakeProviders<T extends ProviderType>(types: readonly T[]): Promise<Record<T, FakeProvider>> {
  const started = await Promise.all(types.map((type) => startFakeProvider(type)));
  return Object.fromEntries(types.map((type, index) => [type, started[index]])) as Record<T, FakeProvider>;
}
