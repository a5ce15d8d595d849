import { ApplicationStateV1, ContractViolationError, encodeEvent, TeamChangedV1, TenantChangedV1, UsageRecordedV1 } from '@gatehouse/contracts';
import { fixtureOf } from '@gatehouse/testing';
import { describe, expect, it } from 'vitest';
import { MessageDecoder } from './message-decoder';

const prefix = 'test.';
const events = `${prefix}gatehouse.identity.events`;
const applications = `${prefix}gatehouse.identity.applications`;
const at = '2025-01-01T00:00:00.000Z';
const tenant = encodeEvent(TenantChangedV1, { tenantId: 't1', name: 'Acme', status: 'active', at }, { source: '/test' }).value;
const team = encodeEvent(TeamChangedV1, { teamId: 'team-1', tenantId: 't1', name: 'Core', status: 'active', at }, { source: '/test' }).value;

describe('MessageDecoder', () => {
  const decoder = new MessageDecoder(prefix, [TenantChangedV1, ApplicationStateV1]);

  it('subscribes to the prefixed topics of its definitions', () => {
    expect(decoder.topicNames().sort()).toEqual([events, applications].sort());
  });

  it('returns the validated envelope of a wanted type', () => {
    const decoded = decoder.decode(events, 't1', tenant);
    expect(decoded).toMatchObject({ kind: 'event', definition: TenantChangedV1, envelope: { type: TenantChangedV1.type, data: { tenantId: 't1' } } });
  });

  it('skips other registered types of the same topic', () => {
    expect(decoder.decode(events, 'team-1', team)).toEqual({ kind: 'ignored', type: TeamChangedV1.type });
  });

  it('rejects a registered type that belongs to another topic', () => {
    const usage = encodeEvent(UsageRecordedV1, fixtureOf(UsageRecordedV1), { source: '/test' }).value;
    expect(() => decoder.decode(events, 'x', usage)).toThrow(/unexpected event type gatehouse.gateway.usage.recorded.v1/);
  });

  it('rejects what is not JSON, an invalid envelope and a payload that fails its schema', () => {
    expect(() => decoder.decode(events, 'k', Buffer.from('{not json'))).toThrow(ContractViolationError);
    expect(() => decoder.decode(events, 'k', JSON.stringify({ hello: 'world' }))).toThrow(/envelope is invalid/);
    const broken = JSON.parse(tenant);
    broken.data.status = 'exploded';
    expect(() => decoder.decode(events, 'k', JSON.stringify(broken))).toThrow(/payload is invalid: status/);
  });

  it('reads a null value on a compacted topic as a tombstone of its state type', () => {
    expect(decoder.decode(applications, Buffer.from('app-1'), null)).toEqual({ kind: 'tombstone', definition: ApplicationStateV1, key: 'app-1' });
  });

  it('rejects a null value on an append-only topic and a tombstone without key', () => {
    expect(() => decoder.decode(events, 'k', null)).toThrow(/no value on append-only topic/);
    expect(() => decoder.decode(applications, null, null)).toThrow(/tombstone has no key/);
  });

  it('refuses to be built without definitions', () => {
    expect(() => new MessageDecoder(prefix, [])).toThrow(/at least one/);
  });
});
