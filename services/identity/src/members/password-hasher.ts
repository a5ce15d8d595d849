import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

const run = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));

const KEY_LENGTH = 32;

/**
 * Member passwords: scrypt with a random 16-byte salt per password; the cost parameters are
 * stored with the hash (`scrypt$<log2N>$<r>$<p>$<salt>$<hash>`), so they can be raised later
 * without breaking existing hashes.
 */
export class PasswordHasher {
  private readonly decoy: Promise<string>;

  constructor(private readonly log2N = 15) {
    this.decoy = this.hash(randomBytes(16).toString('hex'));
    this.decoy.catch(() => undefined);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const [r, p] = [8, 1];
    const key = await run(password, salt, KEY_LENGTH, this.options(this.log2N, r, p));
    return ['scrypt', this.log2N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** Checks a password; with `stored` null (unknown member) it burns the same time against a decoy. */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const [scheme, log2N, r, p, salt, expected] = (stored ?? (await this.decoy)).split('$');
    if (scheme !== 'scrypt' || !salt || !expected) return false;
    const wanted = Buffer.from(expected, 'base64url');
    const key = await run(password, Buffer.from(salt, 'base64url'), wanted.length, this.options(Number(log2N), Number(r), Number(p)));
    return timingSafeEqual(key, wanted) && stored !== null;
  }

  private options(log2N: number, r: number, p: number): ScryptOptions {
    const N = 2 ** log2N;
    return { N, r, p, maxmem: 256 * N * r * p };
  }
}
