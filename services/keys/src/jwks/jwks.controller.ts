import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { badRequest } from '@gatehouse/platform';
import type { Request, Response } from 'express';
import { KEYS_OPTIONS, type KeysOptions } from '../keys.options';
import { type JwksDocument, JwksService } from './jwks.service';

const tenantPattern = /^[A-Za-z0-9._-]{1,100}$/;

const jwksSchema = {
  type: 'object',
  properties: { keys: { type: 'array', items: { type: 'object', properties: { kty: { type: 'string' }, kid: { type: 'string' }, alg: { type: 'string' }, use: { type: 'string', enum: ['sig', 'enc'] } } } } },
};

/** Public JWKS: every pending, active and retiring key (signing and encryption), never a private member. */
@ApiTags('jwks')
@Controller()
export class JwksController {
  private readonly cacheControl: string;

  constructor(
    private readonly jwks: JwksService,
    @Inject(KEYS_OPTIONS) options: KeysOptions,
  ) {
    this.cacheControl = `public, max-age=${options.limits.jwksCacheSeconds}`;
  }

  @Get('.well-known/jwks.json')
  @ApiOperation({ summary: 'JWKS of the platform key sets (signing keys to verify, encryption keys to encrypt to)' })
  @ApiOkResponse({ schema: jwksSchema })
  async platform(@Req() request: Request, @Res() response: Response): Promise<void> {
    this.send(request, response, await this.jwks.document(null));
  }

  @Get('tenants/:tenantId/.well-known/jwks.json')
  @ApiOperation({ summary: "JWKS of a tenant: its own key sets, and the platform's for purposes it has no set of its own for" })
  @ApiParam({ name: 'tenantId' })
  @ApiOkResponse({ schema: jwksSchema })
  async tenant(@Param('tenantId') tenantId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    if (!tenantPattern.test(tenantId)) throw badRequest('tenantId must be 1-100 characters of A-Z a-z 0-9 . _ -');
    this.send(request, response, await this.jwks.document(tenantId));
  }

  private send(request: Request, response: Response, document: JwksDocument): void {
    response.setHeader('Cache-Control', this.cacheControl);
    response.setHeader('ETag', document.etag);
    if (request.headers['if-none-match'] === document.etag) {
      response.status(304).end();
      return;
    }
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.status(200).send(document.body);
  }
}
