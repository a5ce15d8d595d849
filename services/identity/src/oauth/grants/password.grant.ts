import { Inject, Injectable } from '@nestjs/common';
import { ADMIN_AUDIENCE } from '@gatehouse/auth';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../../members/password-hasher';
import { MembersRepository } from '../../members/members.repository';
import type { AttemptLimiter } from '../attempt-limiter';
import { addressOf, type Caller } from '../caller';
import { ATTEMPT_LIMITER, type AuthenticatedClient } from '../client-authenticator';
import { type FormParams, parseScope } from '../form';
import { invalidGrant, invalidScope, invalidTarget, tooManyAttempts, unauthorizedClient } from '../oauth-error';
import { MemberSessions } from './member-sessions';
import type { TokenResponse } from './token-response';

/**
 * Member login: the RFC 6749 section 4.3 password grant, accepted only from the first-party
 * public client `gatehouse-cli` (the CLI, which collects the password itself; registered
 * applications get unauthorized_client). RFC 9700 section 2.4 forbids this grant outright;
 * docs/services/identity.md says why it is used anyway and how it is limited. Yields an admin
 * access token and a refresh token.
 */
@Injectable()
export class PasswordGrant {
  constructor(
    private readonly members: MembersRepository,
    private readonly passwords: PasswordHasher,
    private readonly sessions: MemberSessions,
    private readonly dataSource: DataSource,
    @Inject(ATTEMPT_LIMITER) private readonly limiter: AttemptLimiter,
  ) {}

  async handle(authenticated: AuthenticatedClient, form: FormParams, request: Caller): Promise<TokenResponse> {
    if (authenticated.kind !== 'cli') throw unauthorizedClient('the password grant is only for the gatehouse-cli client');
    const username = form.required('username').toLowerCase();
    const password = form.required('password');
    if (form.all('resource').some((resource) => resource !== ADMIN_AUDIENCE)) throw invalidTarget(`member tokens are only for ${ADMIN_AUDIENCE}`);
    if (parseScope(form.optional('scope')).length > 0) throw invalidScope('member tokens carry roles, not scopes');
    const address = addressOf(request);
    const subject = `member:${username}`;
    const retryAfter = this.limiter.retryAfter(subject, address);
    if (retryAfter !== null) throw tooManyAttempts(retryAfter);
    // A NUL names no member (and Postgres cannot look it up): the same scrypt as an unknown member follows.
    const found = username.length <= 320 && !username.includes('\u0000') ? await this.members.findByEmail(username) : null;
    const valid = await this.passwords.verify(password, found?.passwordHash ?? null);
    const member = valid && found ? await this.sessions.activeMember(found.tenantId, found.id) : null;
    if (!member) {
      this.limiter.recordFailure(subject, address);
      throw invalidGrant('the username or password is wrong');
    }
    return this.dataSource.transaction((manager) => this.sessions.issue(manager, member));
  }
}
