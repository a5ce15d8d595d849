import { describe, expect, it } from 'vitest';
import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(10);

  it('stores scrypt with its parameters and a salt of its own per hash', async () => {
    const [first, second] = await Promise.all([hasher.hash('correct horse'), hasher.hash('correct horse')]);
    expect(first).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    expect(await hasher.verify('correct horse', first)).toBe(true);
    expect(await hasher.verify('wrong horse', first)).toBe(false);
  });

  it('verifies hashes made with other cost parameters, and refuses unknown members after the same work', async () => {
    const stronger = await new PasswordHasher(12).hash('battery staple');
    expect(await hasher.verify('battery staple', stronger)).toBe(true);
    expect(await hasher.verify('battery staple', null)).toBe(false);
    expect(await hasher.verify('x', 'bcrypt$whatever')).toBe(false);
  });
});
