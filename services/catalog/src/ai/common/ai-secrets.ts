import { deriveTransportSecret, type TransportSecret, transportSecretFromEnv } from '@gatehouse/auth';
import { type KeyVault, LocalMasterKeyVault, loadMasterKeys } from '@gatehouse/vault';

/** The gateway's key-transport secret: provider credentials travel wrapped under it. */
export class GatewayTransport {
  constructor(readonly secret: TransportSecret) {}
}

export interface AiSecretsSource {
  NODE_ENV: 'development' | 'test' | 'production';
  GATEHOUSE_DEV_SECRET: string;
  CATALOG_MASTER_KEY?: string | undefined;
  CATALOG_MASTER_KEY_FILE?: string | undefined;
  KEY_TRANSPORT_SECRET_GATEWAY?: string | undefined;
}

/**
 * The vault (local master key unless one is given) and the gateway transport secret. In
 * production both are mandatory and a missing one stops the boot naming its variable; in
 * development and test they are derived from GATEHOUSE_DEV_SECRET and reported in `warnings`.
 */
export function loadAiSecrets(config: AiSecretsSource, vault?: KeyVault): { vault: KeyVault; transport: GatewayTransport; warnings: string[] } {
  const warnings: string[] = [];
  let chosen = vault;
  if (!chosen) {
    const loaded = loadMasterKeys(
      { NODE_ENV: config.NODE_ENV, GATEHOUSE_DEV_SECRET: config.GATEHOUSE_DEV_SECRET, value: config.CATALOG_MASTER_KEY, file: config.CATALOG_MASTER_KEY_FILE },
      { variable: 'CATALOG_MASTER_KEY', service: 'catalog', protects: 'store AI provider credentials' },
    );
    if (loaded.warning) warnings.push(loaded.warning);
    chosen = new LocalMasterKeyVault(loaded.keys);
  }
  let secret: TransportSecret;
  if (config.KEY_TRANSPORT_SECRET_GATEWAY) {
    secret = transportSecretFromEnv(config.KEY_TRANSPORT_SECRET_GATEWAY, 'KEY_TRANSPORT_SECRET_GATEWAY');
  } else if (config.NODE_ENV === 'production') {
    throw new Error('KEY_TRANSPORT_SECRET_GATEWAY is required in production: AI provider credentials cannot be wrapped for the gateway without it');
  } else {
    warnings.push('KEY_TRANSPORT_SECRET_GATEWAY is not set: deriving it from GATEHOUSE_DEV_SECRET (development only)');
    secret = deriveTransportSecret(config.GATEHOUSE_DEV_SECRET, 'gateway');
  }
  return { vault: chosen, transport: new GatewayTransport(secret), warnings };
}
