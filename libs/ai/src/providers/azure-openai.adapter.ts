import { mapProviderError } from '../errors/provider-error';
import { estimateChatPromptTokens } from '../usage/token-estimate';
import { openAiBody } from './openai.adapter';
import { OpenAiLikeStream, openAiLikeEmbeddings, openAiLikeResponse } from './openai-like';
import { joinUrl, type ProviderAdapter, type ResolvedTarget } from './provider-adapter';

/** GA data-plane version used when the provider configures none. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

function deploymentUrl({ provider, model }: ResolvedTarget, operation: string): string {
  const deployment = encodeURIComponent(provider.deployment ?? model.upstreamModel);
  const version = encodeURIComponent(provider.apiVersion ?? AZURE_DEFAULT_API_VERSION);
  return joinUrl(provider.baseUrl, `/openai/deployments/${deployment}/${operation}?api-version=${version}`);
}

/**
 * Azure OpenAI (`baseUrl` `https://{resource}.openai.azure.com`): the deployment is in the
 * URL (provider `deployment`, else the model's `upstreamModel`), the key in `api-key`.
 */
export const azureOpenAiAdapter: ProviderAdapter = {
  chatRequest(request, target, stream) {
    return {
      url: deploymentUrl(target, 'chat/completions'),
      headers: { 'content-type': 'application/json', 'api-key': target.provider.apiKey },
      body: JSON.stringify(openAiBody(request, undefined, stream)),
    };
  },
  chatResponse(body, context) {
    return openAiLikeResponse('azure-openai', body, context, () => estimateChatPromptTokens(context.request));
  },
  chatStream(context) {
    return new OpenAiLikeStream('azure-openai', context);
  },
  embeddingsRequest(request, target) {
    const { model: _model, ...body } = request;
    return {
      url: deploymentUrl(target, 'embeddings'),
      headers: { 'content-type': 'application/json', 'api-key': target.provider.apiKey },
      body: JSON.stringify(body),
    };
  },
  embeddingsResponse(body, request, model) {
    return openAiLikeEmbeddings('azure-openai', body, request, model, request.encoding_format ?? 'float');
  },
  error: mapProviderError,
};
