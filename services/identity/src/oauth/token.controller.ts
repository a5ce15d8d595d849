import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import { ClientAuthenticator } from './client-authenticator';
import { oauthEndpoints } from './endpoints';
import { FormParams } from './form';
import { IntrospectionService } from './introspection.service';
import { sendNoStore } from './oauth-response';
import { TokenRevocationService } from './revocation.service';
import { TokenEndpoint } from './token-endpoint.service';

/**
 * The OAuth endpoints. Handlers write the response themselves; errors reach OAuthExceptionFilter.
 * Well-formed token requests are usually answered by TokenFastPath before they get here.
 */
const text = { type: 'string' } as const;
const tokenRequestSchema = {
  type: 'object',
  required: ['grant_type'],
  properties: {
    grant_type: { type: 'string', enum: ['client_credentials', 'refresh_token', 'password', 'urn:ietf:params:oauth:grant-type:token-exchange'] },
    resource: { type: 'array', items: text, description: 'RFC 8707 resource indicator(s): API audiences; required for client_credentials' },
    scope: text,
    refresh_token: text,
    username: text,
    password: text,
    subject_token: text,
    subject_token_type: text,
    client_id: text,
    client_secret: text,
    client_assertion_type: text,
    client_assertion: text,
  },
};
const tokenResponseSchema = {
  type: 'object',
  properties: { access_token: text, token_type: text, expires_in: { type: 'integer' }, scope: text, refresh_token: text, issued_token_type: text },
};
const tokenOnlySchema = { type: 'object', required: ['token'], properties: { token: text, token_type_hint: text } };

@ApiTags('oauth2')
@Controller('oauth2')
export class TokenController {
  private readonly endpoints: ReturnType<typeof oauthEndpoints>;

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly tokens: TokenEndpoint,
    private readonly introspection: IntrospectionService,
    private readonly revocation: TokenRevocationService,
    @Inject(IDENTITY_CONFIG) config: IdentityConfig,
  ) {
    this.endpoints = oauthEndpoints(config.TOKEN_ISSUER);
  }

  @Post('token')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: tokenRequestSchema })
  @ApiResponse({ status: 200, description: 'RFC 6749 section 5.1 token response', schema: tokenResponseSchema })
  @ApiResponse({ status: 400, description: 'invalid_request, invalid_grant, invalid_scope, invalid_target, unauthorized_client, unsupported_grant_type' })
  @ApiResponse({ status: 401, description: 'invalid_client (WWW-Authenticate: Basic when Basic was used)' })
  @ApiResponse({ status: 429, description: 'too many failed authentications; Retry-After says when to try again' })
  @ApiOperation({
    summary: 'Token endpoint (RFC 6749)',
    description:
      'grant_type client_credentials, refresh_token, password (gatehouse-cli only) or urn:ietf:params:oauth:grant-type:token-exchange. ' +
      'Client authentication: client_secret_basic, client_secret_post, private_key_jwt. resource (RFC 8707) may repeat.',
  })
  async token(@Req() request: Request, @Res() response: Response): Promise<void> {
    sendNoStore(response, 200, await this.tokens.handle(request, FormParams.from(request)));
  }

  @Post('introspect')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: tokenOnlySchema })
  @ApiOperation({ summary: 'Token introspection (RFC 7662); the caller authenticates as a client' })
  async introspect(@Req() request: Request, @Res() response: Response): Promise<void> {
    const form = FormParams.from(request);
    const client = await this.authenticator.authenticate(request, form, this.endpoints.introspection);
    const token = form.required('token');
    sendNoStore(response, 200, await this.introspection.introspect(client, token));
  }

  @Post('revoke')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: tokenOnlySchema })
  @ApiOperation({ summary: 'Token revocation (RFC 7009): an access token by jti, or a refresh token with its family' })
  async revoke(@Req() request: Request, @Res() response: Response): Promise<void> {
    const form = FormParams.from(request);
    const client = await this.authenticator.authenticate(request, form, this.endpoints.revocation);
    const token = form.required('token');
    await this.revocation.revoke(client, token);
    response.status(200);
    response.setHeader('Cache-Control', 'no-store');
    response.end();
  }
}
