import { describe, expect, it } from 'vitest';
import { staleTestDatabases, testDatabaseName } from './test-database';

describe('test database names', () => {
  it('carry the UTC creation time and a random suffix', () => {
    expect(testDatabaseName(new Date('2026-11-28T10:27:47.123Z'), 'be93c1d8')).toBe('gatehouse_test_20261128102747_be93c1d8');
    expect(testDatabaseName()).toMatch(/^gatehouse_test_\d{14}_[0-9a-f]{8}$/);
  });

  it('tell which are older than the limit, ignoring other databases', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const names = ['gatehouse_test_20261128050000_aaaaaaaa', 'gatehouse_test_20261128115900_bbbbbbbb', 'gatehouse', 'gatehouse_test_x'];
    expect(staleTestDatabases(names, now, 6 * 3600_000)).toEqual(['gatehouse_test_20261128050000_aaaaaaaa']);
  });
});
