import { User } from 'oidc-client-ts';
import { KheopsAuthError } from '../errors';
import type { StaticToken } from '../launch/types';
import { staticTokenSession, type Keeper, type SessionKind } from './session-kind';
import { STATIC_TOKEN_KEY } from './storage-keys';
import type { SessionHealth, TimerApi } from './token-keeper';

export interface StaticTokenRecord extends StaticToken {
  issuer: string;
  /** A bridge session (session/bridge-cookie.ts): `accessToken` is then the bridge's marker, not a token. */
  bridge?: boolean | undefined;
}

/** Kept in sessionStorage (like the OIDC path's tokens) so that a reload of the tab keeps working. */
export function saveStaticToken(storage: Storage, record: StaticTokenRecord): void {
  storage.setItem(STATIC_TOKEN_KEY, JSON.stringify(record));
}

export function clearStaticToken(storage: Storage): void {
  storage.removeItem(STATIC_TOKEN_KEY);
}

export function loadStaticToken(storage: Storage, nowMs: number): StaticTokenRecord | undefined {
  const raw = storage.getItem(STATIC_TOKEN_KEY);
  if (!raw) return undefined;
  try {
    const record = JSON.parse(raw) as StaticTokenRecord;
    if (typeof record.accessToken === 'string' && typeof record.issuer === 'string' && staticTokenLive(record, nowMs)) {
      return record;
    }
  } catch {
    // unreadable: treat as absent
  }
  clearStaticToken(storage);
  return undefined;
}

/** A token whose end is unknown lives until the server refuses it; one with a known end until then. */
export function staticTokenLive(record: { expiresAt?: unknown; end?: unknown }, nowMs: number): boolean {
  if (record.end === 'unknown' && record.expiresAt === undefined) return true;
  return typeof record.expiresAt === 'number' && record.expiresAt * 1000 > nowMs;
}

/** The static token as the oidc-client-ts `User` the rest of the session code reads. */
export function staticUser(token: StaticToken): User {
  const subject = token.subject ?? 'kheops-link';
  return new User({
    access_token: token.accessToken,
    token_type: 'Bearer',
    scope: token.scopes.join(' '),
    expires_at: token.expiresAt,
    profile: { sub: subject, name: token.subject ? token.subject : 'the KHEOPS link', iss: '', aud: '', exp: token.expiresAt ?? 0, iat: 0 },
  });
}

export const NOT_RENEWABLE_HINT = 'Open the study again from KHEOPS.';

export function notRenewable(): KheopsAuthError {
  return new KheopsAuthError(
    'session_not_renewable',
    'This KHEOPS session came with the link that opened the viewer and cannot be renewed.',
    NOT_RENEWABLE_HINT,
  );
}

export interface StaticTokenKeeperDeps {
  now(): number;
  timers: TimerApi;
  onHealth?(health: SessionHealth, error?: unknown): void;
}

/**
 * The TokenKeeper counterpart for a static token: `active` until it expires (or the server refuses
 * it), then `ended`. Never renews: a renewal attempt ends the session.
 */
export class StaticTokenKeeper implements Keeper {
  readonly kind: SessionKind;
  readonly returnUri: string | undefined;
  private readonly receivedAt: number;
  private health: SessionHealth = 'active';
  private timer: unknown;
  private readonly user: User;

  constructor(
    private readonly deps: StaticTokenKeeperDeps,
    token: StaticToken,
    kind?: SessionKind,
  ) {
    this.user = staticUser(token);
    this.kind = kind ?? staticTokenSession(token.end ?? 'known');
    this.returnUri = token.returnUri;
    this.receivedAt = token.receivedAt ?? deps.now();
  }

  tokensReceivedAt(): number {
    return this.receivedAt;
  }

  current(): User {
    return this.user;
  }

  sessionHealth(): SessionHealth {
    return this.health;
  }

  /** Undefined when the end is unknown: the token lasts until the server refuses it. */
  expiresAtMs(): number | undefined {
    return this.user.expires_at === undefined ? undefined : this.user.expires_at * 1000;
  }

  /** Due means expired: there is nothing to renew ahead of time. */
  isDue(): boolean {
    const expiresAt = this.expiresAtMs();
    return expiresAt !== undefined && this.deps.now() >= expiresAt;
  }

  async start(): Promise<void> {
    this.deps.timers.clear(this.timer);
    if (this.expiresAtMs() === undefined) return;
    const delay = Math.max(0, (this.expiresAtMs() ?? 0) - this.deps.now());
    this.timer = this.deps.timers.set(() => this.end(notRenewable()), delay);
  }

  stop(): void {
    this.deps.timers.clear(this.timer);
  }

  /** A static token has no shared record: there is nothing to drop but this tab's copy. */
  forget(): Promise<User> {
    return Promise.resolve(this.user);
  }

  ensureFresh(): Promise<User> {
    if (!this.isDue() && this.health === 'active') return Promise.resolve(this.user);
    return this.renew();
  }

  /** There are no retries to wait for: the same as renew(). */
  renewOrWait(): Promise<User> {
    return this.renew();
  }

  /** Asked after the server refused the token, or once it expired: the session ends. */
  renew(): Promise<User> {
    const error = notRenewable();
    this.end(error);
    return Promise.reject(error);
  }

  private end(error: unknown): void {
    this.deps.timers.clear(this.timer);
    if (this.health === 'ended') return;
    this.health = 'ended';
    this.deps.onHealth?.('ended', error);
  }
}
