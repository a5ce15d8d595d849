import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor';
import { AuditRepository } from '../audit/audit.repository';
import { Clock } from '../clock/clock';
import { KeySetsRepository } from '../key-sets/key-sets.repository';
import { KeyMaterialService } from '../lifecycle/key-material.service';

export interface MasterKeyRotation {
  masterKeyId: string;
  rewrapped: number;
  total: number;
  /** Master-key ids that no stored key uses any more; they can be removed from the configuration. */
  released: string[];
}

/**
 * Re-wraps every stored private key under the vault's current master key, in one transaction
 * (all or nothing). Each key is unwrapped into a buffer, wrapped again and the buffer zeroed
 * before the next one; nothing leaves the process.
 */
@Injectable()
export class RotateMasterKey {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly material: KeyMaterialService,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  execute(actor: Actor): Promise<MasterKeyRotation> {
    return this.keys.transaction(async (manager) => {
      await this.keys.lockLifecycle(manager);
      const target = this.material.masterKeyId;
      const stored = await this.keys.wrappedKeys(manager);
      const previous = new Map<string, number>();
      for (const key of stored) {
        if (key.masterKeyId === target) continue;
        previous.set(key.masterKeyId!, (previous.get(key.masterKeyId!) ?? 0) + 1);
        const blob = await this.material.rewrap(key);
        key.masterKeyId = blob.keyId;
        key.wrappedPrivateKey = blob.data;
        await this.keys.saveKey(manager, key);
      }
      const rewrapped = [...previous.values()].reduce((sum, count) => sum + count, 0);
      await this.audit.record(manager, {
        at: this.clock.now(),
        actor,
        action: 'master-key.rotated',
        tenantId: null,
        details: { to: target, from: Object.fromEntries(previous), rewrapped, total: stored.length },
      });
      return { masterKeyId: target, rewrapped, total: stored.length, released: [...previous.keys()] };
    });
  }
}
