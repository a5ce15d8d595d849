import type { OpenAiErrorBody, OpenAiErrorType } from '../types/openai-error';

/** Why an attempt or a request failed; decides status, OpenAI error type and fallback. */
export const aiErrorCodes = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  context_length_exceeded: { status: 400, type: 'invalid_request_error' },
  invalid_variable: { status: 400, type: 'invalid_request_error' },
  unsupported_parameter: { status: 400, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  permission_denied: { status: 403, type: 'authentication_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  request_too_large: { status: 413, type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error' },
  provider_error: { status: 502, type: 'api_error' },
  provider_unavailable: { status: 503, type: 'api_error' },
  timeout: { status: 504, type: 'api_error' },
  invalid_model_output: { status: 502, type: 'api_error' },
  internal_error: { status: 500, type: 'server_error' },
} as const satisfies Record<string, { status: number; type: OpenAiErrorType }>;

/** One of the stable AI error codes. */
export type AiErrorCode = keyof typeof aiErrorCodes;

/** An error answered in OpenAI's shape. `message` never contains credentials. */
export class AiError extends Error {
  override readonly name = 'AiError';
  readonly status: number;
  readonly type: OpenAiErrorType;

  constructor(
    readonly code: AiErrorCode,
    message: string,
    readonly param: string | null = null,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.status = options?.status ?? aiErrorCodes[code].status;
    this.type = aiErrorCodes[code].type;
  }

  /** The body OpenAI clients parse. */
  toBody(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Narrows an unknown value to an AiError. */
export function isAiError(value: unknown): value is AiError {
  return value instanceof AiError;
}
