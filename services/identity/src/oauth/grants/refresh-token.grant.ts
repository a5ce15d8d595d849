import { Injectable } from '@nestjs/common';
import { RefreshTokensService } from '../../tokens/refresh-tokens.service';
import { type AuthenticatedClient, CLI_CLIENT_ID } from '../client-authenticator';
import { type FormParams, parseScope } from '../form';
import { invalidGrant, invalidScope } from '../oauth-error';
import { MemberSessions } from './member-sessions';
import type { TokenResponse } from './token-response';

/** RFC 6749 section 6 with rotation: every use spends the token and returns a new pair. */
@Injectable()
export class RefreshTokenGrant {
  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly sessions: MemberSessions,
  ) {}

  async handle(authenticated: AuthenticatedClient, form: FormParams): Promise<TokenResponse> {
    const token = form.required('refresh_token');
    if (parseScope(form.optional('scope')).length > 0) throw invalidScope('a refresh keeps the scope of the original grant');
    const clientId = authenticated.kind === 'cli' ? CLI_CLIENT_ID : authenticated.client.id;
    if (clientId !== CLI_CLIENT_ID) throw invalidGrant('refresh token is unknown or was issued to another client');
    return this.refreshTokens.rotate(token, clientId, async (previous, manager) => {
      const member = await this.sessions.activeMember(previous.tenantId, previous.subject, manager);
      if (!member) throw invalidGrant('the member of this refresh token is no longer active');
      return this.sessions.issue(manager, member, { id: previous.familyId, expiresAt: previous.expiresAt });
    });
  }
}
