import { deriveTransportSecret, type KeyRecipient, type TransportSecret, transportSecretFromEnv } from '@gatehouse/auth';

/** The key-transport secret of each recipient service. */
export class TransportSecrets {
  constructor(private readonly secrets: Readonly<Record<KeyRecipient, TransportSecret>>) {}

  of(recipient: KeyRecipient): TransportSecret {
    return this.secrets[recipient];
  }
}

export interface TransportSecretSource {
  NODE_ENV: 'development' | 'test' | 'production';
  KEY_TRANSPORT_SECRET_IDENTITY?: string | undefined;
  KEY_TRANSPORT_SECRET_GATEWAY?: string | undefined;
  GATEHOUSE_DEV_SECRET: string;
}

const variables: Record<KeyRecipient, 'KEY_TRANSPORT_SECRET_IDENTITY' | 'KEY_TRANSPORT_SECRET_GATEWAY'> = {
  identity: 'KEY_TRANSPORT_SECRET_IDENTITY',
  gateway: 'KEY_TRANSPORT_SECRET_GATEWAY',
};

/**
 * Reads both transport secrets. A missing one stops a production boot (naming the variable);
 * in development and test it is derived from GATEHOUSE_DEV_SECRET and reported in `warnings`.
 */
export function loadTransportSecrets(config: TransportSecretSource): { secrets: TransportSecrets; warnings: string[] } {
  const warnings: string[] = [];
  const load = (recipient: KeyRecipient): TransportSecret => {
    const variable = variables[recipient];
    const value = config[variable];
    if (value) return transportSecretFromEnv(value, variable);
    if (config.NODE_ENV === 'production') throw new Error(`${variable} is required in production: private keys for ${recipient} cannot be wrapped without it`);
    warnings.push(`${variable} is not set: deriving it from GATEHOUSE_DEV_SECRET (development only)`);
    return deriveTransportSecret(config.GATEHOUSE_DEV_SECRET, recipient);
  };
  return { secrets: new TransportSecrets({ identity: load('identity'), gateway: load('gateway') }), warnings };
}
