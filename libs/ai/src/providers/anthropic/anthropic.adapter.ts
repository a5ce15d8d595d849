import { mapProviderError } from '../../errors/provider-error';
import { joinUrl, type ProviderAdapter } from '../provider-adapter';
import { anthropicBody } from './anthropic-request';
import { AnthropicStream, anthropicResponse } from './anthropic-response';

/** `anthropic-version` sent when the provider configures no `apiVersion`. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic Messages API (`baseUrl` `https://api.anthropic.com`). No embeddings. */
export const anthropicAdapter: ProviderAdapter = {
  chatRequest(request, target, stream) {
    return {
      url: joinUrl(target.provider.baseUrl, '/v1/messages'),
      headers: {
        'content-type': 'application/json',
        'x-api-key': target.provider.apiKey,
        'anthropic-version': target.provider.apiVersion ?? ANTHROPIC_VERSION,
      },
      body: JSON.stringify(anthropicBody(request, target, stream)),
    };
  },
  chatResponse: anthropicResponse,
  chatStream(context) {
    return new AnthropicStream(context);
  },
  error(providerId, status, body) {
    return mapProviderError(providerId, status, body);
  },
};
