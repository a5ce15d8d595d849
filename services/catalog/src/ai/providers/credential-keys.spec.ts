import { createLogger } from '@gatehouse/observability';
import { LocalMasterKeyVault } from '@gatehouse/vault';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../common/clock';
import { GatewayTransport } from '../common/ai-secrets';
import { CredentialKeys } from './credential-keys.service';
import { ProviderCredentials } from './provider-credentials.service';
import type { ProviderStatePublisher } from './provider-state.publisher';
import type { ProvidersRepository } from './providers.repository';

const transport = new GatewayTransport({ id: 'gw-1', key: new Uint8Array(32).fill(3) });
const keysWith = (masterKeyIds: string[], usage: Array<{ masterKeyId: string; credentials: number }>) => {
  const vault = new LocalMasterKeyVault(masterKeyIds.map((id) => ({ id, key: randomBytes(32) })));
  const providers = { masterKeyUsage: async () => usage } as unknown as ProvidersRepository;
  return new CredentialKeys({} as DataSource, providers, new ProviderCredentials(vault, transport), {} as ProviderStatePublisher, new SystemClock(), createLogger({ service: 'catalog', level: 'silent' }));
};

describe('CredentialKeys at boot', () => {
  it('refuses to run when stored credentials are wrapped under a master key the vault no longer holds', async () => {
    const keys = keysWith(['mk2'], [{ masterKeyId: 'mk1', credentials: 3 }, { masterKeyId: 'mk2', credentials: 1 }]);
    await expect(keys.assertReadable()).rejects.toThrow(
      'AI provider credentials are wrapped under master key "mk1" (3 credentials), which CATALOG_MASTER_KEY does not hold; add it back (after the current key) and rotate the master key',
    );
  });

  it('runs when every master key in use is held, the old ones only for unwrapping', async () => {
    await expect(keysWith(['mk2', 'mk1'], [{ masterKeyId: 'mk1', credentials: 3 }]).assertReadable()).resolves.toBeUndefined();
  });
});
