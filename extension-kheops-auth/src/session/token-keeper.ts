import { User } from 'oidc-client-ts';
import { refreshDueAtMs, retryDelayMs } from './refresh-policy';
import { isRefreshRefused } from './refresh-refusal';
import { REFRESH_TOKEN_SESSION, type Keeper, type SessionKind } from './session-kind';
import type { SharedTokenStore, TokenRecord } from './shared-token-store';
import type { TabPresence, WithLock } from './web-lock';

/** `active`: tokens are current. `at-risk`: renewals are failing but may recover. `ended`: only a new sign-in helps. */
export type SessionHealth = 'active' | 'at-risk' | 'ended';

export interface TimerApi {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

/** The page's own timers; tests pass fake ones. */
export const browserTimers: TimerApi = { set: (callback, delay) => setTimeout(callback, delay), clear: handle => clearTimeout(handle as ReturnType<typeof setTimeout>) };

export interface TokenKeeperDeps {
  store: SharedTokenStore;
  withLock: WithLock;
  /** Exchanges `base`'s refresh token for new tokens (oidc-client-ts `signinSilent`). */
  refresh(base: User): Promise<User>;
  now(): number;
  timers: TimerApi;
  onTokens?(user: User): void;
  onHealth?(health: SessionHealth, error?: unknown): void;
  /** Tells other pages that this tab uses the session, so they never take it for abandoned. */
  presence?: TabPresence | undefined;
  /** The kind it keeps; default an ordinary code-flow session (an upgraded launch names its own). */
  kind?: SessionKind | undefined;
}

/** The lock that serialises renewals of one session across tabs. */
export function refreshLockName(key: string): string {
  return `kheops-auth:refresh:${key}`;
}

/**
 * A renewal that can never succeed with this refresh token (the session has ended), as opposed to
 * one that did not get through (the provider is unreachable or in trouble): refresh-refusal.ts.
 */
export const isTerminalRefreshError = isRefreshRefused;

export const NO_REFRESH_TOKEN = Object.assign(new Error('this session has no refresh token'), { error: 'invalid_grant' });

/**
 * Keeps one user's access token fresh: renews ahead of expiry, one renewal at a time in this tab
 * (callers share the in-flight one) and across tabs (a Web Lock, then a re-read of the shared store:
 * a token another tab already renewed is adopted instead of presenting a used refresh token again).
 */
export class TokenKeeper implements Keeper {
  get kind(): SessionKind {
    return this.deps.kind ?? REFRESH_TOKEN_SESSION;
  }
  private user: User;
  private receivedAt: number;
  private inFlight: Promise<User> | undefined;
  private timer: unknown;
  private failures = 0;
  private health: SessionHealth = 'active';
  private stopped = false;
  private waiters: Array<{ resolve: (user: User) => void; reject: (error: unknown) => void }> = [];
  private releasePresence: (() => void) | undefined;
  /** The refresh token last sent to the provider, and the one it refused (with its answer). */
  private presented: string | undefined;
  private refused: { refreshToken: string; error: unknown } | undefined;

  constructor(
    private readonly deps: TokenKeeperDeps,
    readonly key: string,
    user: User,
    receivedAt: number,
  ) {
    this.user = user;
    this.receivedAt = receivedAt;
  }

  current(): User {
    return this.user;
  }

  sessionHealth(): SessionHealth {
    return this.health;
  }

  tokensReceivedAt(): number {
    return this.receivedAt;
  }

  /** Epoch ms when the current token should be renewed. */
  dueAt(): number {
    return refreshDueAtMs(this.receivedAt, this.user.expires_at ?? 0);
  }

  isDue(): boolean {
    return this.deps.now() >= this.dueAt();
  }

  /** Publishes a fresh sign-in to the other tabs and starts the renewal timer. */
  async start(): Promise<void> {
    this.releasePresence ??= this.deps.presence?.hold(this.key);
    await this.deps.withLock(this.lockName(), async () => {
      const stored = await this.deps.store.read(this.key);
      if (stored && stored.expiresAt > (this.user.expires_at ?? 0)) {
        this.adopt(User.fromStorageString(stored.user), stored.receivedAt);
      } else {
        await this.deps.store.write(this.key, this.record());
      }
    });
    this.schedule(this.dueAt());
  }

  stop(): void {
    this.stopped = true;
    this.releasePresence?.();
    this.deps.timers.clear(this.timer);
    this.settleWaiters({ error: new Error('this session was replaced') });
  }

  /**
   * Ends the session for every tab: stops renewing and, under the renewal lock (so no tab is halfway
   * through writing newer tokens), deletes the shared record. Returns the newest tokens, whose refresh
   * token is the one to revoke.
   */
  async forget(): Promise<User> {
    this.stop();
    await this.inFlight?.catch(() => undefined);
    return this.deps.withLock(this.lockName(), async () => {
      const stored = await this.deps.store.read(this.key);
      await this.deps.store.remove(this.key);
      return stored && stored.expiresAt >= (this.user.expires_at ?? 0) ? User.fromStorageString(stored.user) : this.user;
    });
  }

  /** Resolves with a token that is not due for renewal, renewing it first if needed. */
  ensureFresh(): Promise<User> {
    if (!this.isDue() && this.health === 'active') return Promise.resolve(this.user);
    return this.renew();
  }

  /** Renews now, whatever the expiry; concurrent callers share one renewal. */
  renew(): Promise<User> {
    this.inFlight ??= this.renewUnderLock().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Renews now; when the provider cannot be reached, waits for the scheduled retries to succeed
   * instead of failing, and rejects only once the session has ended.
   */
  renewOrWait(): Promise<User> {
    return this.renew().catch(error => {
      if (isTerminalRefreshError(error) || this.stopped) throw error;
      return new Promise<User>((resolve, reject) => this.waiters.push({ resolve, reject }));
    });
  }

  private settleWaiters(outcome: { user: User } | { error: unknown }): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if ('user' in outcome) waiter.resolve(outcome.user);
      else waiter.reject(outcome.error);
    }
  }

  private lockName(): string {
    return refreshLockName(this.key);
  }

  private record(): TokenRecord {
    return { user: this.user.toStorageString(), expiresAt: this.user.expires_at ?? 0, receivedAt: this.receivedAt };
  }

  private adopt(user: User, receivedAt: number): void {
    this.user = user;
    this.receivedAt = receivedAt;
    this.deps.onTokens?.(user);
  }

  private setHealth(health: SessionHealth, error?: unknown): void {
    if (this.health === health) return;
    this.health = health;
    this.deps.onHealth?.(health, error);
  }

  private async renewUnderLock(): Promise<User> {
    try {
      const user = await this.deps.withLock(this.lockName(), async () => {
        const stored = await this.deps.store.read(this.key);
        if (stored && stored.expiresAt > (this.user.expires_at ?? 0) && this.deps.now() < refreshDueAtMs(stored.receivedAt, stored.expiresAt)) {
          // Another tab renewed while we waited for the lock.
          this.adopt(User.fromStorageString(stored.user), stored.receivedAt);
          return this.user;
        }
        // The stored record holds the newest refresh token (rotation): renew from it, never from an older copy.
        const base = stored ? User.fromStorageString(stored.user) : this.user;
        if (!base.refresh_token) throw NO_REFRESH_TOKEN;
        // A refresh token the provider refused is never presented again (a retry after a 401 would).
        if (this.refused && this.refused.refreshToken === base.refresh_token) throw this.refused.error;
        this.presented = base.refresh_token;
        const receivedAt = this.deps.now();
        const next = await this.deps.refresh(base);
        this.adopt(next, receivedAt);
        await this.deps.store.write(this.key, this.record());
        return next;
      });
      this.failures = 0;
      this.setHealth('active');
      this.schedule(this.dueAt());
      this.settleWaiters({ user });
      return user;
    } catch (error) {
      this.failures += 1;
      if (isTerminalRefreshError(error)) {
        if (this.presented) this.refused ??= { refreshToken: this.presented, error };
        this.setHealth('ended', error);
        this.deps.timers.clear(this.timer);
        this.settleWaiters({ error });
      } else {
        this.setHealth('at-risk', error);
        this.schedule(this.deps.now() + retryDelayMs(this.failures));
      }
      throw error;
    }
  }

  private schedule(atMs: number): void {
    if (this.stopped) return;
    this.deps.timers.clear(this.timer);
    const delay = Math.max(0, atMs - this.deps.now());
    this.timer = this.deps.timers.set(() => {
      // Failures are reported through onHealth; the timer has no caller to rethrow to.
      this.renew().catch(() => undefined);
    }, delay);
  }
}
