import { eventFixtures } from '@gatehouse/testing';
import { describe, expect, it } from 'vitest';
import {
  allTopicSpecs,
  ContractViolationError,
  decodeEvent,
  deadLetterOf,
  encodeEvent,
  eventRegistry,
  KeyStateV1,
  Topics,
  UsageRecordedV1,
} from './index';

const init = { source: '/gatehouse/test', traceId: 'trace-1' };

describe('event contracts', () => {
  it('has a fixture for every registered event type', () => {
    expect([...eventRegistry.keys()].filter((type) => !(type in eventFixtures))).toEqual([]);
  });

  for (const [type, definition] of eventRegistry) {
    it(`round-trips ${type} through encode and decode`, () => {
      const encoded = encodeEvent(definition, eventFixtures[type], init);
      const decoded = decodeEvent(Buffer.from(encoded.value), [definition]);
      expect(decoded.definition).toBe(definition);
      expect(decoded.envelope).toEqual(encoded.envelope);
      expect(decoded.envelope.data).toEqual(eventFixtures[type]);
      expect(encoded.key).toBe(definition.key(eventFixtures[type]));
      expect(encoded.envelope).toMatchObject({ specversion: '1.0', type, datacontenttype: 'application/json', traceid: 'trace-1', subject: encoded.key });
    });
  }

  it('refuses at runtime to encode a payload that does not match its schema', () => {
    const broken = { ...(eventFixtures[UsageRecordedV1.type] as object), status: 42, recordId: 'not-a-uuid' };
    expect(() => encodeEvent(UsageRecordedV1, broken as never, init)).toThrow(ContractViolationError);
    expect(() => encodeEvent(UsageRecordedV1, broken as never, init)).toThrow(/status: .*recordId|recordId: .*status/s);
  });

  it('refuses a public JWK that carries private members', () => {
    const fixture = eventFixtures[KeyStateV1.type] as { publicJwk: object };
    const leaked = { ...fixture, publicJwk: { ...fixture.publicJwk, d: 'secret-scalar' } };
    expect(() => encodeEvent(KeyStateV1, leaked as never, init)).toThrow(/publicJwk/);
  });

  it('names what is wrong with a message it cannot decode', () => {
    expect(() => decodeEvent(Buffer.from('{not json'))).toThrow(/not JSON/);
    expect(() => decodeEvent(Buffer.from(JSON.stringify({ specversion: '0.3' })))).toThrow(/envelope is invalid/);
    const usage = encodeEvent(UsageRecordedV1, eventFixtures[UsageRecordedV1.type] as never, init).envelope;
    expect(() => decodeEvent(JSON.stringify({ ...usage, type: 'gatehouse.unknown.thing.v1' }))).toThrow(/unexpected event type/);
    expect(() => decodeEvent(JSON.stringify({ ...usage, data: { ...usage.data, bytesIn: -1 } }))).toThrow(/bytesIn/);
    expect(() => decodeEvent(JSON.stringify(usage), [KeyStateV1])).toThrow(/unexpected event type/);
    expect(() => decodeEvent(null)).toThrow(/no value/);
  });

  it('registers a dead-letter topic for every topic, and compacts exactly the state topics', () => {
    const specs = allTopicSpecs();
    for (const topic of Object.values(Topics)) {
      expect(specs.find((spec) => spec.name === deadLetterOf(topic.name))?.cleanup).toBe('delete');
    }
    const stateTypes = [...eventRegistry.values()].filter((definition) => definition.state);
    expect(stateTypes.every((definition) => definition.topic.cleanup === 'compact')).toBe(true);
    expect([...eventRegistry.values()].filter((definition) => !definition.state).every((definition) => definition.topic.cleanup === 'delete')).toBe(true);
  });
});

describe('compile-time contract checks', () => {
  it('does not compile a publish whose payload misses fields or has wrong types', () => {
    const valid = eventFixtures[UsageRecordedV1.type] as Parameters<typeof encodeEvent<typeof UsageRecordedV1>>[1];
    // @ts-expect-error status must be a number
    const wrongType = () => encodeEvent(UsageRecordedV1, { ...valid, status: '200' }, init);
    // @ts-expect-error recordId is required
    const missing = () => encodeEvent(UsageRecordedV1, { ...valid, recordId: undefined }, init);
    // `npm test` type-checks this file first: either line compiling would fail the run.
    expect(wrongType).toThrow(ContractViolationError);
    expect(missing).toThrow(ContractViolationError);
  });
});
