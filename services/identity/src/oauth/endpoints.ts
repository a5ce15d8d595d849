/** The URLs of identity's OAuth endpoints under the issuer. */
export function oauthEndpoints(issuer: string) {
  const base = issuer.replace(/\/+$/, '');
  return {
    token: `${base}/oauth2/token`,
    introspection: `${base}/oauth2/introspect`,
    revocation: `${base}/oauth2/revoke`,
    jwks: `${base}/.well-known/jwks.json`,
  };
}
