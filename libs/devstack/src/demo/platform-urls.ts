/** Where the admin tools find each service. */
export interface PlatformUrls {
  readonly identity: string;
  readonly catalog: string;
  readonly metering: string;
  /** The data plane. */
  readonly gateway: string;
  /** The gateway's control plane (`/config`). */
  readonly gatewayControl: string;
}

/** The env var that points the admin CLI at each service, and its default (the standard ports). */
export const URL_VARIABLES: Readonly<Record<keyof PlatformUrls, { readonly variable: string; readonly fallback: string }>> = {
  identity: { variable: 'GATEHOUSE_IDENTITY', fallback: 'http://127.0.0.1:8081' },
  catalog: { variable: 'GATEHOUSE_CATALOG', fallback: 'http://127.0.0.1:8083' },
  metering: { variable: 'GATEHOUSE_METERING', fallback: 'http://127.0.0.1:8084' },
  gateway: { variable: 'GATEHOUSE_GATEWAY', fallback: 'http://127.0.0.1:8080' },
  gatewayControl: { variable: 'GATEHOUSE_GATEWAY_CONTROL', fallback: 'http://127.0.0.1:8090' },
};

function checked(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${variable} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${variable} must be an http(s) URL, got ${JSON.stringify(value)}`);
  return value.replace(/\/+$/, '');
}

/** The service URLs from `GATEHOUSE_*` env vars, else the standard local ports. */
export function platformUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformUrls {
  const entries = Object.entries(URL_VARIABLES).map(([name, { variable, fallback }]) => {
    const value = env[variable];
    return [name, value === undefined || value === '' ? fallback : checked(variable, value)];
  });
  return Object.fromEntries(entries) as unknown as PlatformUrls;
}

/** `export GATEHOUSE_…=…` lines for URLs that differ from the defaults (empty when all are standard). */
export function urlExports(urls: PlatformUrls): string[] {
  return Object.entries(URL_VARIABLES)
    .filter(([name, { fallback }]) => urls[name as keyof PlatformUrls] !== fallback)
    .map(([name, { variable }]) => `export ${variable}=${urls[name as keyof PlatformUrls]}`);
}
