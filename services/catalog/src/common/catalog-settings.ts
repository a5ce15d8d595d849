/** Limits and defaults of the catalog, from its configuration. */
export abstract class CatalogSettings {
  abstract readonly openapiMaxBytes: number;
  abstract readonly routeDefaultMaxBodyBytes: number;
}
