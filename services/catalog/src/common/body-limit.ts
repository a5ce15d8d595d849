/**
 * Largest JSON request body the catalog accepts: room for an OpenAPI document of the default
 * OPENAPI_MAX_BYTES (5 MiB) embedded in a JSON request. Larger documents go raw (`PUT …/openapi`).
 */
export const CATALOG_JSON_BODY_LIMIT = '6mb';
