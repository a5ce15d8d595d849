import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_SECRETS, type IdentitySecrets } from '../config/identity-secrets';
import { SecretHasher } from '../credentials/secret-hasher';
import { PasswordHasher } from '../members/password-hasher';

export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');

/** Configuration, secrets, time and the hashers every feature shares. */
@Global()
@Module({})
export class IdentityCoreModule {
  static forRoot(config: IdentityConfig, secrets: IdentitySecrets, clock: Clock): DynamicModule {
    return {
      module: IdentityCoreModule,
      providers: [
        { provide: IDENTITY_CONFIG, useValue: config },
        { provide: IDENTITY_SECRETS, useValue: secrets },
        { provide: Clock, useValue: clock },
        { provide: SecretHasher, useValue: new SecretHasher(secrets.secretPepper) },
        { provide: PasswordHasher, useValue: new PasswordHasher(config.PASSWORD_SCRYPT_LOG2N) },
      ],
      exports: [IDENTITY_CONFIG, IDENTITY_SECRETS, Clock, SecretHasher, PasswordHasher],
    };
  }
}
