import { describe, expect, it } from 'vitest';
import { databaseOf, isSafeIdentifier, postgresUrl, redactUrl, withDatabase } from './postgres-url';

describe('postgres URLs', () => {
  it('points a server URL at another database, keeping credentials and options', () => {
    expect(withDatabase('postgres://u:p@h:5432/postgres?sslmode=disable', 'gatehouse_test_1')).toBe('postgres://u:p@h:5432/gatehouse_test_1?sslmode=disable');
    expect(withDatabase('postgres://u@h:5432', 'db')).toBe('postgres://u@h:5432/db');
  });

  it('reads the database name, defaulting to postgres', () => {
    expect(databaseOf('postgres://u@h:5432/gatehouse')).toBe('gatehouse');
    expect(databaseOf('postgres://u@h:5432')).toBe('postgres');
  });

  it('masks the password when printing', () => {
    expect(redactUrl('postgres://u:secret@h:5433/db')).toBe('postgres://u:***@h:5433/db');
    expect(redactUrl('not a url')).toBe('(unparseable URL)');
  });

  it('accepts only plain lower-case identifiers as database names', () => {
    expect(isSafeIdentifier('gatehouse_test_20260101000000_ab12cd34')).toBe(true);
    expect(isSafeIdentifier('x"; drop database y; --')).toBe(false);
    expect(isSafeIdentifier('A')).toBe(false);
    expect(isSafeIdentifier('a'.repeat(64))).toBe(false);
  });

  it('builds a URL with encoded credentials', () => {
    expect(postgresUrl({ user: 'postgres', password: 'p@ss', host: '127.0.0.1', port: 5433, database: 'gatehouse' })).toBe('postgres://postgres:p%40ss@127.0.0.1:5433/gatehouse');
  });
});
