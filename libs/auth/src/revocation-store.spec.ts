import { ApplicationStateV1, RevocationStateV1 } from '@gatehouse/contracts';
import { describe, expect, it, vi } from 'vitest';
import { type ApplicationState, RevocationStore, type RevocationState } from './revocation-store';
import type { RevocableToken } from './verified-token';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const revocation = (overrides: Partial<RevocationState>): RevocationState => ({
  revocationId: 'r',
  tenantId: 'acme',
  kind: 'token',
  jti: null,
  applicationId: null,
  subject: null,
  issuedBefore: null,
  expiresAt: null,
  reason: 'compromised',
  revokedAt: iso(NOW),
  ...overrides,
});

const application = (status: ApplicationState['status']): ApplicationState => ({
  applicationId: 'app-1',
  tenantId: 'acme',
  teamId: 'team-1',
  name: 'Orders',
  status,
  requireEncryptedTokens: false,
  allowedScopes: ['orders:read'],
  updatedAt: iso(NOW),
});

const token = (overrides: Partial<RevocableToken> = {}): RevocableToken => ({ jti: 'j1', subject: 'alice', clientId: 'app-1', tenant: 'acme', issuedAt: NOW / 1000 - 60, ...overrides });

function store() {
  const clock = { now: NOW };
  return { clock, revocations: new RevocationStore({ now: () => clock.now }) };
}

describe('RevocationStore', () => {
  it('uses records that satisfy the contracts', () => {
    expect(RevocationStateV1.schema.safeParse(revocation({ jti: 'j1' })).success).toBe(true);
    expect(ApplicationStateV1.schema.safeParse(application('active')).success).toBe(true);
  });

  it('revokes a token by jti within its tenant until the tombstone', () => {
    const { revocations } = store();
    revocations.applyRevocation(revocation({ revocationId: 'jti:j1', jti: 'j1', expiresAt: iso(NOW + 60_000) }), 'jti:j1');
    expect(revocations.isRevoked(token())).toBe(true);
    expect(revocations.isRevoked(token({ tenant: 'globex' }))).toBe(false);
    expect(revocations.isRevoked(token({ jti: 'j2' }))).toBe(false);
    revocations.applyRevocation(null, 'jti:j1');
    expect(revocations.isRevoked(token())).toBe(false);
  });

  it('revokes tokens of an application issued before the cut-off', () => {
    const { revocations } = store();
    revocations.applyRevocation(revocation({ revocationId: 'app:app-1', kind: 'application', applicationId: 'app-1', issuedBefore: iso(NOW - 30_000) }), 'app:app-1');
    expect(revocations.isRevoked(token({ issuedAt: NOW / 1000 - 31 }))).toBe(true);
    expect(revocations.isRevoked(token({ issuedAt: NOW / 1000 - 30 }))).toBe(false);
    expect(revocations.isRevoked(token({ clientId: 'app-2', issuedAt: NOW / 1000 - 31 }))).toBe(false);
  });

  it('revokes tokens of a subject issued before the cut-off, counting the same second as before', () => {
    const { revocations } = store();
    revocations.applyRevocation(revocation({ revocationId: 'sub:acme:alice', kind: 'subject', subject: 'alice', issuedBefore: iso(NOW + 500) }), 'sub:acme:alice');
    expect(revocations.isRevoked(token({ issuedAt: NOW / 1000 }))).toBe(true);
    expect(revocations.isRevoked(token({ issuedAt: NOW / 1000 + 1 }))).toBe(false);
    expect(revocations.isRevoked(token({ subject: 'bob', issuedAt: NOW / 1000 }))).toBe(false);
  });

  it('keeps the latest cut-off when several revocations cover one subject, and recomputes on removal', () => {
    const { revocations } = store();
    const base = { kind: 'subject' as const, subject: 'alice' };
    revocations.applyRevocation(revocation({ ...base, revocationId: 'a', issuedBefore: iso(NOW - 100_000) }), 'a');
    revocations.applyRevocation(revocation({ ...base, revocationId: 'b', issuedBefore: iso(NOW) }), 'b');
    expect(revocations.isRevoked(token({ issuedAt: NOW / 1000 - 50 }))).toBe(true);
    revocations.applyRevocation(null, 'b');
    expect(revocations.isRevoked(token({ issuedAt: NOW / 1000 - 50 }))).toBe(false);
    expect(revocations.isRevoked(token({ issuedAt: NOW / 1000 - 200 }))).toBe(true);
  });

  it('refuses suspended and deleted applications, and accepts them again when reactivated', () => {
    const { revocations, clock } = store();
    revocations.applyApplication(application('suspended'), 'app-1');
    expect(revocations.isRevoked(token())).toBe(true);
    revocations.applyApplication(application('active'), 'app-1');
    expect(revocations.isRevoked(token())).toBe(false);
    revocations.applyApplication(null, 'app-1');
    expect(revocations.isRevoked(token())).toBe(true);
    clock.now += 25 * 3600_000;
    revocations.prune();
    expect(revocations.isRevoked(token())).toBe(false);
  });

  it('prunes revocations past expiresAt and ignores ones already expired', () => {
    const { revocations, clock } = store();
    revocations.applyRevocation(revocation({ revocationId: 'jti:j1', jti: 'j1', expiresAt: iso(NOW + 1000) }), 'jti:j1');
    revocations.applyRevocation(revocation({ revocationId: 'jti:j0', jti: 'j0', expiresAt: iso(NOW - 1000) }), 'jti:j0');
    expect(revocations.size).toBe(1);
    clock.now += 1000;
    revocations.prune();
    expect(revocations.size).toBe(0);
    expect(revocations.isRevoked(token())).toBe(false);
  });

  it('tells listeners which tokens a new revocation refuses', () => {
    const { revocations } = store();
    const listener = vi.fn();
    revocations.onRevocation(listener);
    revocations.applyRevocation(revocation({ revocationId: 'jti:j1', jti: 'j1' }), 'jti:j1');
    const refuses = listener.mock.calls[0]![0] as (token: RevocableToken) => boolean;
    expect(refuses(token())).toBe(true);
    expect(refuses(token({ jti: 'j2' }))).toBe(false);
    revocations.applyApplication(application('deleted'), 'app-1');
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
