import { deriveTransportSecret, type TransportSecret, transportSecretsFromEnv } from '@gatehouse/auth';
import type { GatewayConfig } from '../gateway.config';

/**
 * The gateway's key-transport secret(s) from KEY_TRANSPORT_SECRET (comma-separated during a
 * rotation). Outside production a missing value is derived from GATEHOUSE_DEV_SECRET and a
 * warning returned; in production it stops the boot, naming the variable.
 */
export function gatewayTransportSecrets(config: Pick<GatewayConfig, 'NODE_ENV' | 'KEY_TRANSPORT_SECRET' | 'GATEHOUSE_DEV_SECRET'>): { secrets: TransportSecret[]; warning: string | null } {
  if (config.KEY_TRANSPORT_SECRET) {
    return { secrets: transportSecretsFromEnv(config.KEY_TRANSPORT_SECRET, 'KEY_TRANSPORT_SECRET'), warning: null };
  }
  if (config.NODE_ENV === 'production') throw new Error('KEY_TRANSPORT_SECRET is required in production ("<id>:<base64url of 32 bytes>")');
  return {
    secrets: [deriveTransportSecret(config.GATEHOUSE_DEV_SECRET, 'gateway')],
    warning: 'KEY_TRANSPORT_SECRET is not set; derived from GATEHOUSE_DEV_SECRET (development only)',
  };
}
