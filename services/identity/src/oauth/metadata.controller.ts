import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { signingAlgorithms } from '@gatehouse/contracts';
import { Clock } from '../common/clock';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import { KeyStore } from '../keys/key-store';
import { TOKEN_EXCHANGE_GRANT } from './grants/token-exchange.grant';
import { oauthEndpoints } from './endpoints';

const clientAuthMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** RFC 8414 metadata (also served as openid-configuration) and the JWKS of the signing keys. */
@ApiTags('oauth2')
@Controller('.well-known')
export class MetadataController {
  private readonly metadata: Record<string, unknown>;

  constructor(
    private readonly keys: KeyStore,
    private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) config: IdentityConfig,
  ) {
    const endpoints = oauthEndpoints(config.TOKEN_ISSUER);
    this.metadata = {
      issuer: config.TOKEN_ISSUER,
      token_endpoint: endpoints.token,
      introspection_endpoint: endpoints.introspection,
      revocation_endpoint: endpoints.revocation,
      jwks_uri: endpoints.jwks,
      grant_types_supported: ['client_credentials', 'refresh_token', 'password', TOKEN_EXCHANGE_GRANT],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256'],
      introspection_endpoint_auth_methods_supported: clientAuthMethods,
      revocation_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
      access_token_signing_alg_values_supported: [...signingAlgorithms],
      authorization_response_iss_parameter_supported: false,
      service_documentation: `${config.TOKEN_ISSUER.replace(/\/+$/, '')}/docs`,
    };
  }

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  authorizationServer() {
    return this.metadata;
  }

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Alias of the RFC 8414 metadata for OpenID-style discovery' })
  openidConfiguration() {
    return this.metadata;
  }

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({ summary: 'Public keys that verify the access tokens (pending, active and retiring keys of the signing key sets)' })
  jwks() {
    return { keys: this.keys.publicJwks(this.clock.now()) };
  }
}
