import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { ADMIN_AUDIENCE, type AdminPrincipal, adminPrincipalFromToken, bootstrapAdminPrincipal } from './admin-principal';
import { bearerChallenge, TokenError } from './errors';
import type { TokenVerifier } from './token-verifier';

/** Injection token of the TokenVerifier admin APIs use. */
export const ADMIN_TOKEN_VERIFIER = Symbol('ADMIN_TOKEN_VERIFIER');
/** Injection token of the bootstrap admin secret (`ADMIN_BOOTSTRAP_TOKEN`); null or absent disables it. */
export const ADMIN_BOOTSTRAP_SECRET = Symbol('ADMIN_BOOTSTRAP_SECRET');
/** Request property the guard sets. */
export const PRINCIPAL_REQUEST_KEY = 'principal';

const MIN_BOOTSTRAP_LENGTH = 16;
const REALM = 'gatehouse-admin';
// RFC 6750 section 2.1 b64token.
const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  [PRINCIPAL_REQUEST_KEY]?: AdminPrincipal;
}
interface HttpResponse {
  setHeader(name: string, value: string): unknown;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Authenticates admin API calls: `Authorization: Bearer <token>` holding either a member
 * access token (verified strictly, audience `urn:gatehouse:admin`) or the bootstrap admin
 * secret, which makes the caller platform admin of the `platform` tenant. Sets
 * `request.principal`; otherwise answers 401 with a `WWW-Authenticate: Bearer` challenge.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly bootstrapDigest: Buffer | null;

  constructor(
    @Inject(ADMIN_TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Optional() @Inject(ADMIN_BOOTSTRAP_SECRET) bootstrapSecret?: string | null,
  ) {
    if (bootstrapSecret && (bootstrapSecret.length < MIN_BOOTSTRAP_LENGTH || !/^[A-Za-z0-9\-._~+/]+=*$/.test(bootstrapSecret))) {
      throw new Error(`ADMIN_BOOTSTRAP_TOKEN must be at least ${MIN_BOOTSTRAP_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / (then optional =)`);
    }
    this.bootstrapDigest = bootstrapSecret ? digest(bootstrapSecret) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    try {
      request[PRINCIPAL_REQUEST_KEY] = this.authenticate(request.headers.authorization);
      return true;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      http.getResponse<HttpResponse>().setHeader('WWW-Authenticate', bearerChallenge(error, { realm: REALM }));
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', code: error.code, message: error.message });
    }
  }

  private authenticate(header: string | string[] | undefined): AdminPrincipal {
    if (header === undefined || header === '') throw new TokenError('ERR_TOKEN_MISSING');
    const match = typeof header === 'string' ? bearer.exec(header) : null;
    if (!match) throw new TokenError('ERR_TOKEN_MALFORMED', 'Authorization must be "Bearer <token>"');
    const presented = match[1]!;
    if (this.bootstrapDigest && timingSafeEqual(digest(presented), this.bootstrapDigest)) return bootstrapAdminPrincipal();
    return adminPrincipalFromToken(this.verifier.verify(presented, { audience: ADMIN_AUDIENCE }));
  }
}
