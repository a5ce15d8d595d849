import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@gatehouse/observability';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServiceApp } from './bootstrap';
import { AppError } from './errors';
import { ZodPipe } from './zod.pipe';

const echoSchema = z.object({ name: z.string().min(1), count: z.number().int().positive() });

@Controller()
class ProbeController {
  @Post('echo')
  echo(@Body(new ZodPipe(echoSchema)) body: z.infer<typeof echoSchema>) {
    return body;
  }

  @Get('conflict')
  conflict() {
    throw new AppError(409, 'conflict', 'version 2 is already published', { allowed: ['deprecate'] });
  }

  @Get('nul')
  nul() {
    throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
  }

  @Get('surrogate')
  surrogate() {
    throw Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
  }

  @Get('uuid')
  uuid() {
    throw Object.assign(new Error('invalid input syntax for type uuid: "x"'), { code: '22P02' });
  }

  @Get('boom')
  boom() {
    throw new Error('database password is hunter2');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('service app', () => {
  let app: INestApplication;
  let base: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const destination = new Writable({ write: (chunk, _encoding, callback) => (lines.push(String(chunk)), callback()) });
    app = await createServiceApp({ module: ProbeModule, logger: createLogger({ service: 'probe', destination }), title: 'probe', description: 'probe', bodyLimit: '1kb' });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app.close());

  const post = (body: string, type = 'application/json') => fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': type }, body });

  it('answers a malformed JSON body with 400 and a plain message', async () => {
    const response = await post('{"name":');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', message: 'request body is not valid JSON' });
  });

  it('answers an oversized body with 413', async () => {
    const response = await post(JSON.stringify({ name: 'x'.repeat(4096), count: 1 }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('refuses a JSON body in any charset but UTF-8 with 415, an odd-length UTF-16 body included', async () => {
    for (const charset of ['utf-16', 'utf-16le', 'utf-32', 'latin1']) {
      const response = await post('N', `application/json; charset=${charset}`);
      expect(response.status, charset).toBe(415);
      expect(await response.json()).toMatchObject({ error: 'unsupported_media_type', message: `unsupported charset ${charset}` });
    }
    expect((await post(JSON.stringify({ name: 'x', count: 1 }), 'application/json; charset=UTF-8')).status).toBe(201);
  });

  it('names each invalid field', async () => {
    const response = await post(JSON.stringify({ name: '', count: 1.5 }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string; details: { issues: unknown[] } };
    expect(body.message).toMatch(/name: .*count: /);
    expect(body.details.issues).toHaveLength(2);
  });

  it('refuses an unpaired surrogate escaped in a JSON body, naming the member, and accepts a paired one', async () => {
    const value = await post(String.raw`{"name":"a\ud800b","count":1}`);
    expect(value.status).toBe(400);
    expect(await value.json()).toMatchObject({ error: 'invalid_request', message: 'member "name" holds an unpaired UTF-16 surrogate (in a value or a member name)' });
    const nested = await post(String.raw`{"name":"x","count":1,"meta":{"list":["ok","\udc00"]}}`);
    expect(await nested.json()).toMatchObject({ message: expect.stringContaining('member "meta.list.1"') });
    const key = await post(String.raw`{"name":"x","count":1,"meta":{"\ud800":1}}`);
    expect(await key.json()).toMatchObject({ message: expect.stringContaining('member "meta"') });
    expect((await post(String.raw`{"name":"\ud83d\ude00","count":1}`)).status).toBe(201);
  });

  it('maps typed errors to their status with details', async () => {
    const response = await fetch(`${base}/conflict`);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: 'conflict', details: { allowed: ['deprecate'] } });
  });

  it('answers text Postgres cannot store (a NUL character) as the client error it is', async () => {
    const response = await fetch(`${base}/nul`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('NUL') });
    expect((await fetch(`${base}/surrogate`)).status).toBe(400);
    expect((await fetch(`${base}/uuid`)).status).toBe(500);
  });

  it('answers an unexpected error with 500 and an error id, never its message or stack', async () => {
    const response = await fetch(`${base}/boom`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('at ');
    expect(JSON.parse(text).errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });
});
