import { AiError, type AiErrorCode } from './ai-error';

/** Extracts the human message of a provider's error body, whatever its shape. */
export function providerErrorMessage(body: unknown): string | null {
  if (typeof body === 'string') return body.trim().slice(0, 1000) || null;
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  const nested = record.error;
  if (nested && typeof nested === 'object') {
    const message = (nested as Record<string, unknown>).message;
    if (typeof message === 'string') return message;
  }
  if (typeof nested === 'string') return nested;
  if (typeof record.message === 'string') return record.message;
  const detail = record.message && typeof record.message === 'object' ? (record.message as Record<string, unknown>).detail : record.detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        const entry = item as { loc?: unknown[]; msg?: string };
        return `${(entry.loc ?? []).join('.')}: ${entry.msg ?? 'invalid'}`;
      })
      .join('; ');
  }
  return null;
}

function codeForStatus(status: number): AiErrorCode {
  if (status === 401) return 'invalid_api_key';
  if (status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 503 || status === 529) return 'provider_unavailable';
  if (status >= 500) return 'provider_error';
  return 'invalid_request';
}

/**
 * Maps a provider's error response to OpenAI's shape: 429 → rate_limit_exceeded, 401/403 →
 * authentication_error, other 4xx → invalid_request_error with the provider's status, 5xx →
 * api_error (502, or 503 when the provider said it is overloaded or unavailable).
 */
export function mapProviderError(providerId: string, status: number, body: unknown): AiError {
  const code = codeForStatus(status);
  const detail = providerErrorMessage(body) ?? `HTTP ${status}`;
  const message = `Provider '${providerId}' answered ${status}: ${detail}`;
  const clientStatus = status >= 500 ? (code === 'provider_unavailable' ? 503 : 502) : status === 422 ? 400 : status;
  return new AiError(code, message, null, { status: clientStatus });
}

/** Whether a provider status lets the policy move to the next target. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}
