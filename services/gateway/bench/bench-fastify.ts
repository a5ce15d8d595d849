import type { AddressInfo } from 'node:net';

/**
 * The JavaScript peer: fastify + @fastify/http-proxy + @fastify/jwt verifying the same ES256
 * token against the same public key, proxying to the same upstream. Loaded only when those
 * packages are installed (they are not dependencies of Gatehouse).
 */
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any

process.once('message', async (message: { upstream: string; publicKeyPem: string; issuer: string; audience: string }) => {
  const load = (name: string): Loose => require(name);
  const fastify = load('fastify');
  const proxy = load('@fastify/http-proxy');
  const jwt = load('@fastify/jwt');
  const app: Loose = (fastify.default ?? fastify)({ logger: false });
  await app.register(jwt.default ?? jwt, {
    secret: { public: message.publicKeyPem },
    verify: { algorithms: ['ES256'], allowedIss: message.issuer, allowedAud: message.audience },
  });
  app.addHook('onRequest', async (request: Loose) => {
    await request.jwtVerify();
  });
  await app.register(proxy.default ?? proxy, { upstream: message.upstream, prefix: '/pets/v1', rewritePrefix: '' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ port: (app.server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
