// The comparison peer: oidc-provider configured like identity's client_credentials path
// (client_secret_basic, resource indicators, ES256 JWT access tokens of 300 s). Runs as its
// own process so that it, like identity, gets a core of its own while autocannon drives it.
import type { JWK } from 'jose';

interface PeerProvider {
  listen(port: number, host: string, callback: () => void): unknown;
  proxy: boolean;
}

async function main(): Promise<void> {
  const moduleName = process.env.OIDC_PROVIDER_MODULE ?? 'oidc-provider';
  const { default: Provider } = (await import(moduleName)) as { default: new (issuer: string, configuration: object) => PeerProvider };
  const port = Number(process.env.PEER_PORT);
  const resource = process.env.PEER_RESOURCE!;
  const signingKey = JSON.parse(process.env.PEER_JWK!) as JWK;
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: process.env.PEER_CLIENT_ID,
        client_secret: process.env.PEER_CLIENT_SECRET,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
        scope: 'read write',
      },
    ],
    jwks: { keys: [signingKey] },
    scopes: ['read', 'write'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_context: unknown, indicator: string) => ({
          scope: 'read write',
          audience: indicator,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  provider.proxy = false;
  provider.listen(port, '127.0.0.1', () => process.stdout.write('peer ready\n'));
}

main().catch((error: Error) => {
  process.stderr.write(`peer failed: ${error.message}\n`);
  process.exit(1);
});
