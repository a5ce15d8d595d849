/** Injection token of the validated gateway configuration. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
/** Optional injection token of the AI route handler (`AiRouteHandler`). */
export const GATEWAY_AI_HANDLER = Symbol('GATEWAY_AI_HANDLER');
