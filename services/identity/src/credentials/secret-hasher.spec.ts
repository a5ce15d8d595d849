import { describe, expect, it } from 'vitest';
import { SecretHasher } from './secret-hasher';

describe('SecretHasher', () => {
  const hasher = new SecretHasher(Buffer.from('pepper-of-at-least-thirty-two-bytes!!'));

  it('stores a keyed hash that depends on the pepper', () => {
    const hash = hasher.hash('ghs_secret');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(new SecretHasher(Buffer.from('another-pepper-of-thirty-two-bytes!!!')).hash('ghs_secret'));
  });

  it('matches any of several live secrets and nothing else', () => {
    const hashes = ['one', 'two'].map((secret) => Buffer.from(hasher.hash(secret), 'hex'));
    expect(hasher.matches('one', hashes)).toBe(true);
    expect(hasher.matches('two', hashes)).toBe(true);
    expect(hasher.matches('three', hashes)).toBe(false);
    expect(hasher.matches('one', [])).toBe(false);
  });
});
