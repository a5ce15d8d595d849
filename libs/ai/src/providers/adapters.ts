import type { ProviderType } from '../config/ai-config';
import { anthropicAdapter } from './anthropic/anthropic.adapter';
import { azureOpenAiAdapter } from './azure-openai.adapter';
import { cohereAdapter } from './cohere/cohere.adapter';
import { geminiAdapter } from './gemini/gemini.adapter';
import { mistralAdapter } from './mistral.adapter';
import { openAiCompatibleAdapter } from './openai-compatible.adapter';
import { openAiAdapter } from './openai.adapter';
import type { ProviderAdapter } from './provider-adapter';

/** The adapter of each provider type. */
export const adapters: Readonly<Record<ProviderType, ProviderAdapter>> = {
  openai: openAiAdapter,
  'azure-openai': azureOpenAiAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
  mistral: mistralAdapter,
  cohere: cohereAdapter,
  'openai-compatible': openAiCompatibleAdapter,
};
