import { Injectable } from '@nestjs/common';
import { KeySetsRepository } from '../key-sets/key-sets.repository';
import { KeyMaterialService } from '../lifecycle/key-material.service';

/** Refuses to run with a vault that cannot open every stored key (a master key was dropped too early). */
@Injectable()
export class StoredKeysCheck {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly material: KeyMaterialService,
  ) {}

  async assertReadable(): Promise<void> {
    const missing = (await this.keys.masterKeyUsage()).filter((usage) => !this.material.canUnwrap(usage.masterKeyId));
    if (missing.length) {
      const list = missing.map((usage) => `"${usage.masterKeyId}" (${usage.keys} keys)`).join(', ');
      throw new Error(`stored keys are wrapped under master key ${list}, which KEYS_MASTER_KEY does not hold; add it back (after the current key) and rotate the master key`);
    }
  }

  usage() {
    return this.keys.masterKeyUsage();
  }
}
