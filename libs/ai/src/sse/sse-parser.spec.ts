import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser';
import { sseData, sseNamedEvent } from './sse-writer';

const wire = 'event: message_start\ndata: {"a":1}\n\n: keep-alive comment\n\ndata: line one\ndata: line two\n\nid: 7\ndata: café ☕\n\n';
const expected = [
  { event: 'message_start', data: '{"a":1}', id: null },
  { event: null, data: 'line one\nline two', id: null },
  { event: null, data: 'café ☕', id: '7' },
];

describe('SseParser', () => {
  it('parses events, comments, multi-line data and ids', () => {
    const parser = new SseParser();
    expect([...parser.push(Buffer.from(wire)), ...parser.end()]).toEqual(expected);
  });

  it('gives the same events whatever the byte boundaries, UTF-8 sequences split included', () => {
    const bytes = Buffer.from(wire);
    for (let size = 1; size <= 7; size += 1) {
      const parser = new SseParser();
      const events = [];
      for (let at = 0; at < bytes.length; at += size) events.push(...parser.push(bytes.subarray(at, at + size)));
      events.push(...parser.end());
      expect(events).toEqual(expected);
    }
  });

  it('accepts CRLF and CR line endings, split between chunks', () => {
    const parser = new SseParser();
    const events = [...parser.push('data: a\r'), ...parser.push('\n\r\ndata: b\r\r'), ...parser.end()];
    expect(events.map((event) => event.data)).toEqual(['a', 'b']);
  });

  it('returns an event as soon as its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('data: first\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: null, data: 'first', id: null }]);
  });

  it('flushes an event the stream ended without a blank line after', () => {
    const parser = new SseParser();
    parser.push('data: {"done":true}');
    expect(parser.end()).toEqual([{ event: null, data: '{"done":true}', id: null }]);
  });

  it('reads back what the writer encodes', () => {
    const parser = new SseParser();
    const events = parser.push(sseData({ text: 'a\nb' }) + sseNamedEvent('ping', { type: 'ping' }) + sseData('[DONE]'));
    expect(events).toEqual([
      { event: null, data: '{"text":"a\\nb"}', id: null },
      { event: 'ping', data: '{"type":"ping"}', id: null },
      { event: null, data: '[DONE]', id: null },
    ]);
  });
});
