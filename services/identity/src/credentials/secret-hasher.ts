import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets carry 256 bits of entropy, so a keyed hash (HMAC-SHA-256 under a server
 * pepper) is the right tool: a slow password hash would buy nothing and cost every token
 * request. A leaked table without the pepper cannot even be checked against a guess.
 */
export class SecretHasher {
  private readonly decoy = randomBytes(32);

  constructor(private readonly pepper: Buffer) {}

  hash(secret: string): string {
    return this.digest(secret).toString('hex');
  }

  /**
   * Whether `secret` matches one of `hashes`. The HMAC is computed and compared with
   * timingSafeEqual even when there is nothing to compare with (unknown client), so the
   * answer takes the same time either way.
   */
  matches(secret: string, hashes: readonly Buffer[]): boolean {
    const digest = this.digest(secret);
    let matched = false;
    for (const hash of hashes.length > 0 ? hashes : [this.decoy]) {
      if (hash.length === digest.length && timingSafeEqual(hash, digest)) matched = hashes.length > 0;
    }
    return matched;
  }

  private digest(secret: string): Buffer {
    return createHmac('sha256', this.pepper).update(secret, 'utf8').digest();
  }
}
