import { describe, expect, it } from 'vitest';
import { kafkaUuid, metaProperties, serverProperties } from './server-properties';

function parse(properties: string): Record<string, string> {
  return Object.fromEntries(properties.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

describe('serverProperties', () => {
  it('describes a single-node KRaft broker that is its own controller on the given ports', () => {
    const props = parse(serverProperties({ port: 41000, controllerPort: 41001, dataDir: '/tmp/k/data' }));
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:41001');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:41000,CONTROLLER://127.0.0.1:41001');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:41000');
    expect(props['log.dirs']).toBe('/tmp/k/data');
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['auto.create.topics.enable']).toBe('false');
  });

  it('escapes backslashes in a Windows-like data path', () => {
    expect(serverProperties({ port: 1, controllerPort: 2, dataDir: 'C:\\k' })).toContain('log.dirs=C:\\\\k\n');
  });
});

describe('kafkaUuid', () => {
  it('is 22 base64url characters', () => {
    expect(kafkaUuid()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never starts with a dash (the storage tool would read it as an option)', () => {
    const draws = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0x11)];
    const id = kafkaUuid(() => draws.shift()!);
    expect(id.startsWith('-')).toBe(false);
    expect(id).toBe(Buffer.alloc(16, 0x11).toString('base64url'));
  });
});

describe('metaProperties', () => {
  it('writes what the storage format tool writes for node 1', () => {
    expect(parse(metaProperties('abc', 1, 'dir'))).toEqual({ version: '1', 'cluster.id': 'abc', 'node.id': '1', 'directory.id': 'dir' });
  });
});
