import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { type ClientRecord, ClientRegistry } from '../credentials/client-registry';
import { SecretHasher } from '../credentials/secret-hasher';
import type { AttemptLimiter } from './attempt-limiter';
import { addressOf, type Caller } from './caller';
import { assertionIssuer, ClientAssertionVerifier, JWT_BEARER_ASSERTION } from './client-assertion.verifier';
import type { FormParams } from './form';
import { invalidClient, invalidRequest, tooManyAttempts } from './oauth-error';

export const ATTEMPT_LIMITER = Symbol('ATTEMPT_LIMITER');
/** The first-party public client members log in with (password grant). */
export const CLI_CLIENT_ID = 'gatehouse-cli';

export type AuthenticatedClient =
  | { kind: 'application'; client: ClientRecord; method: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' }
  | { kind: 'cli'; clientId: typeof CLI_CLIENT_ID; method: 'none' };

function parseBasic(header: string): { id: string; secret: string } | null {
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  try {
    // RFC 6749 section 2.3.1: both parts are form-urlencoded before Base64.
    const unform = (value: string) => (value.includes('%') || value.includes('+') ? decodeURIComponent(value.replace(/\+/g, ' ')) : value);
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/**
 * Client authentication at the token, introspection and revocation endpoints:
 * client_secret_basic, client_secret_post, private_key_jwt, and `none` for the first-party
 * CLI client only. An unknown client and a wrong credential get the same answer, after the
 * same work; failures count against the client id from that remote address and against the
 * address (see AttemptLimiter).
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly hasher: SecretHasher,
    private readonly assertions: ClientAssertionVerifier,
    private readonly clock: Clock,
    @Inject(ATTEMPT_LIMITER) private readonly limiter: AttemptLimiter,
  ) {}

  async authenticate(request: Caller, form: FormParams, endpointUrl: string): Promise<AuthenticatedClient> {
    const header = request.headers.authorization;
    const basic = header !== undefined;
    const assertion = form.optional('client_assertion');
    const postedSecret = form.optional('client_secret');
    if ([basic, assertion !== undefined, postedSecret !== undefined].filter(Boolean).length > 1) {
      throw invalidRequest('use exactly one client authentication method');
    }
    const address = addressOf(request);
    const addressWait = this.limiter.retryAfter(undefined, address);
    if (addressWait !== null) throw tooManyAttempts(addressWait);
    let clientId = form.optional('client_id');
    let secret: string | undefined = postedSecret;
    if (basic) {
      const credentials = parseBasic(header);
      if (!credentials) {
        this.fail(undefined, address);
        throw invalidClient(true, 'Authorization must be HTTP Basic with the form-urlencoded client id and secret');
      }
      if (clientId !== undefined && clientId !== credentials.id) throw invalidRequest('client_id differs from the client in the Authorization header');
      ({ id: clientId, secret } = credentials);
    } else if (assertion !== undefined) {
      if (form.optional('client_assertion_type') !== JWT_BEARER_ASSERTION) throw invalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
      const issuer = assertionIssuer(assertion);
      if (clientId !== undefined && issuer !== undefined && clientId !== issuer) throw invalidRequest('client_id differs from the iss of the client assertion');
      clientId ??= issuer;
    }
    if (clientId === undefined) {
      this.fail(undefined, address);
      throw invalidClient(basic, 'client authentication is required');
    }
    const retryAfter = this.limiter.retryAfter(clientId, address);
    if (retryAfter !== null) throw tooManyAttempts(retryAfter);
    if (!basic && assertion === undefined && secret === undefined && clientId === CLI_CLIENT_ID) return { kind: 'cli', clientId: CLI_CLIENT_ID, method: 'none' };

    // A client id with a NUL names no client (and Postgres cannot look it up): the unknown-client path.
    const client = clientId.includes('\u0000') ? null : (this.registry.peek(clientId) ?? (await this.registry.find(clientId)));
    let authenticated = false;
    if (assertion !== undefined) {
      authenticated = client !== null && client.usable && (await this.assertions.verify(assertion, client, endpointUrl));
    } else if (secret !== undefined) {
      const now = this.clock.now();
      const hashes = client?.usable ? client.secrets.filter((entry) => entry.expiresAt > now).map((entry) => entry.hash) : [];
      authenticated = this.hasher.matches(secret, hashes);
    }
    if (!authenticated || !client) {
      this.fail(clientId, address);
      throw invalidClient(basic);
    }
    return { kind: 'application', client, method: basic ? 'client_secret_basic' : assertion !== undefined ? 'private_key_jwt' : 'client_secret_post' };
  }

  private fail(clientId: string | undefined, address: string): void {
    this.limiter.recordFailure(clientId, address);
  }
}
