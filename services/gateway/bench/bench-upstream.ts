import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The benchmark's upstream: a minimal keep-alive HTTP server answering a small JSON body. */
const body = Buffer.from(JSON.stringify({ id: 42, name: 'Rex', kind: 'dog', tags: ['good', 'boy'] }));
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
