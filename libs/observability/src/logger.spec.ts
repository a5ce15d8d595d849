import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { withCorrelationId } from './correlation';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'info', destination }) };
}

describe('logger', () => {
  it('redacts authorization headers, tokens, secrets and private key members wherever they appear', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJhbGciOi.secret.sig', cookie: 'sid=1', 'x-api-key': 'gh_live_abc' } },
        body: { client_secret: 'hunter2', refresh_token: 'rt-123', password: 'pw' },
        key: { privateJwk: { d: 'private-scalar' }, d: 'private-scalar' },
        token: 'eyJ.raw.token',
      },
      'incoming',
    );
    const line = lines.join('');
    for (const secret of ['eyJhbGciOi', 'sid=1', 'gh_live_abc', 'hunter2', 'rt-123', '"pw"', 'private-scalar', 'eyJ.raw.token']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('[redacted]');
    expect(JSON.parse(line)).toMatchObject({ service: 'test', level: 'info', msg: 'incoming' });
  });

  it('redacts secrets nested three and four levels deep', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        provider: { config: { auth: { apiKey: 'sk-three-deep', client_secret: 'cs-three-deep' } } },
        event: { data: { key: { wrapped: { privateJwk: 'jwk-four-deep', d: 'scalar-four-deep' } } } },
        upstream: { request: { headers: { authorization: 'Bearer three-deep' } } },
      },
      'nested',
    );
    const line = lines.join('');
    for (const secret of ['sk-three-deep', 'cs-three-deep', 'jwk-four-deep', 'scalar-four-deep', 'Bearer three-deep']) expect(line).not.toContain(secret);
    expect(JSON.parse(line).provider.config.auth).toEqual({ apiKey: '[redacted]', client_secret: '[redacted]' });
  });

  it('stamps the correlation id of the current request on every line', () => {
    const { lines, logger } = capture();
    withCorrelationId('req-42', () => logger.info('inside'));
    logger.info('outside');
    expect(JSON.parse(lines[0]!).correlationId).toBe('req-42');
    expect(JSON.parse(lines[1]!).correlationId).toBeUndefined();
  });

  it('replaces a caller-supplied correlation id that could forge log content', () => {
    const { lines, logger } = capture();
    withCorrelationId('bad\nid', () => logger.info('x'));
    expect(JSON.parse(lines[0]!).correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
