import type { User, UserManager } from 'oidc-client-ts';
import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import { KheopsAuthError } from '../errors';
import type { OidcLaunch } from '../launch/types';
import { createUserManager, stateStore, type BrowserEnvironment, type SignInState } from './issuer-client';
import { browserTokenStore, type SharedTokenStore } from './shared-token-store';
import { ACTIVE_ISSUER_KEY } from './storage-keys';
import { checkTokens } from './token-checks';
import { TokenKeeper, type SessionHealth, type TimerApi } from './token-keeper';
import { browserLock, type WithLock } from './web-lock';
import { clearStaticToken, loadStaticToken, notRenewable, saveStaticToken, StaticTokenKeeper, type StaticToken } from './static-token';

/** What the session needs of whoever keeps its token: TokenKeeper (OIDC) or StaticTokenKeeper (legacy launches). */
type Keeper = Pick<TokenKeeper, 'current' | 'sessionHealth' | 'isDue' | 'renew' | 'renewOrWait' | 'ensureFresh' | 'stop' | 'start'>;

/** The session's collaborators outside the browser page itself; tests replace them. */
export interface SessionServices {
  store: SharedTokenStore;
  withLock: WithLock;
  timers: TimerApi;
  now(): number;
}

export function browserSessionServices(): SessionServices {
  return {
    store: browserTokenStore(),
    withLock: browserLock(),
    timers: { set: (callback, delay) => setTimeout(callback, delay), clear: handle => clearTimeout(handle as ReturnType<typeof setTimeout>) },
    now: () => Date.now(),
  };
}

export type HealthListener = (health: SessionHealth, error?: unknown) => void;

export interface SignedInUser {
  /** The provider's stable identifier for the person (`sub`). */
  subject: string;
  name: string;
  issuer: TrustedIssuer;
  expiresAt: number | undefined;
  scopes: string[];
}

/**
 * The viewer's sign-in state across all trusted issuers: starts sign-ins, completes them, and
 * answers "which token goes on the next DICOMweb request" synchronously, as OHIF asks for it.
 * Knows nothing of React or OHIF.
 */
export class KheopsSession {
  private readonly managers = new Map<string, UserManager>();
  private current: { issuer: TrustedIssuer; keeper: Keeper } | undefined;
  private readonly healthListeners = new Set<HealthListener>();

  constructor(
    private readonly config: KheopsAuthConfig,
    private readonly environment: BrowserEnvironment,
    private readonly services: SessionServices = browserSessionServices(),
  ) {}

  private manager(issuer: TrustedIssuer): UserManager {
    let manager = this.managers.get(issuer.issuer);
    if (!manager) {
      manager = createUserManager(issuer, this.config.routes, this.environment);
      this.managers.set(issuer.issuer, manager);
    }
    return manager;
  }

  /** Renews through oidc-client-ts from `base` (the newest tokens any tab holds), then checks what came back. */
  private async refreshWith(issuer: TrustedIssuer, base: User): Promise<User> {
    const manager = this.manager(issuer);
    await manager.storeUser(base);
    const next = await manager.signinSilent();
    if (!next) throw new KheopsAuthError('invalid_token_response', `${issuer.displayName} returned no tokens.`);
    checkTokens(next, issuer);
    return next;
  }

  /** Makes `user` this tab's session and keeps its tokens fresh from now on. */
  private async keep(issuer: TrustedIssuer, user: User, receivedAt: number): Promise<void> {
    this.current?.keeper.stop();
    clearStaticToken(this.environment.storage);
    const keeper = new TokenKeeper(
      {
        ...this.services,
        refresh: base => this.refreshWith(issuer, base),
        onTokens: next => void this.manager(issuer).storeUser(next),
        onHealth: (health, error) => this.healthListeners.forEach(listener => listener(health, error)),
      },
      `${issuer.issuer}|${user.profile.sub}`,
      user,
      receivedAt,
    );
    this.current = { issuer, keeper };
    await keeper.start();
  }

  /** Picks up the session this tab already had (after a reload), renewing it at once if it ran out meanwhile. */
  async restore(): Promise<void> {
    const saved = loadStaticToken(this.environment.storage, this.services.now());
    const savedIssuer = saved && this.config.issuers.find(candidate => candidate.issuer === saved.issuer);
    if (saved && savedIssuer) {
      await this.adoptStaticToken(savedIssuer, saved);
      return;
    }
    const active = this.environment.storage.getItem(ACTIVE_ISSUER_KEY);
    const issuer = this.config.issuers.find(candidate => candidate.issuer === active);
    if (!issuer) return;
    const user = await this.manager(issuer).getUser();
    if (!user) return;
    // The original arrival time is unknown after a reload; counting from the expiry keeps renewals early.
    await this.keep(issuer, user, this.services.now() - 1000 * Math.max(0, user.expires_in ?? 0));
    if (this.current?.keeper.isDue()) {
      await this.current.keeper.renew().catch(() => undefined);
    }
  }

  /**
   * Makes a token KHEOPS put in a launch URL (viewer link, report provider) this tab's session. It is
   * used as it is until it expires and never renewed (KHEOPS issues no refresh token for it).
   */
  async adoptStaticToken(issuer: TrustedIssuer, token: StaticToken): Promise<void> {
    this.current?.keeper.stop();
    const keeper = new StaticTokenKeeper(
      { now: this.services.now, timers: this.services.timers, onHealth: (health, error) => this.healthListeners.forEach(listener => listener(health, error)) },
      token,
    );
    saveStaticToken(this.environment.storage, { ...token, issuer: issuer.issuer });
    this.current = { issuer, keeper };
    await keeper.start();
  }

  /** False for a static token: when it ends, only a new launch from KHEOPS helps. */
  canSignInAgain(): boolean {
    return !(this.current?.keeper instanceof StaticTokenKeeper);
  }

  onHealthChange(listener: HealthListener): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  health(): SessionHealth | 'signed-out' {
    return this.current?.keeper.sessionHealth() ?? 'signed-out';
  }

  /** For requests that must not fail on an old token (saving a report, retrying after a 401). */
  async freshAuthorizationHeader(): Promise<{ Authorization: string }> {
    if (!this.current) throw new KheopsAuthError('no_session', 'No one is signed in to KHEOPS in this tab.');
    const user = await this.current.keeper.ensureFresh();
    return { Authorization: `Bearer ${user.access_token}` };
  }

  /**
   * Renews now, e.g. after the server refused the current token. While the provider is unreachable
   * this waits for the keeper's retries; it rejects only when the session has ended.
   */
  async renewNow(): Promise<void> {
    if (!this.current) throw new KheopsAuthError('no_session', 'No one is signed in to KHEOPS in this tab.');
    await this.current.keeper.renewOrWait();
  }

  /** Sends the browser to the provider: code flow with PKCE, the validated target in the stored state. */
  async beginSignIn(launch: OidcLaunch): Promise<void> {
    const state: SignInState = { target: launch.target };
    await this.manager(launch.issuer).signinRedirect({
      state,
      ...(launch.loginHint ? { login_hint: launch.loginHint } : {}),
    });
  }

  /** The issuer of the sign-in this tab started, found from the stored state the response names. */
  private async pendingSignIn(url: URL): Promise<{ stateId: string; issuer: TrustedIssuer }> {
    const stateId = url.searchParams.get('state');
    const stored = stateId ? await stateStore(this.environment).get(stateId) : null;
    if (!stateId || !stored) {
      throw new KheopsAuthError(
        'unknown_state',
        'This sign-in response does not belong to a sign-in started in this tab, or it was already used.',
        'Open the study again from KHEOPS.',
      );
    }
    const authority = (JSON.parse(stored) as { authority?: string }).authority;
    const issuer = this.config.issuers.find(candidate => candidate.issuer === authority);
    if (!issuer) {
      throw new KheopsAuthError('unknown_state', 'The pending sign-in was started for an issuer this viewer no longer trusts.');
    }
    return { stateId, issuer };
  }

  /**
   * Signs the same person in again in a popup, for a session that can no longer be renewed: the page,
   * its measurements and any request waiting for a token stay as they are.
   */
  async signInAgain(): Promise<void> {
    const current = this.current;
    if (!current) throw new KheopsAuthError('no_session', 'No one is signed in to KHEOPS in this tab.');
    if (current.keeper instanceof StaticTokenKeeper) throw notRenewable();
    const { issuer } = current;
    const profile = current.keeper.current().profile;
    const receivedAt = this.services.now();
    const user = await this.manager(issuer).signinPopup({
      login_hint: profile.preferred_username ?? profile.sub,
      popupWindowFeatures: { width: 520, height: 640 },
    });
    checkTokens(user, issuer);
    if (user.profile.sub !== profile.sub) {
      throw new KheopsAuthError('sign_in_failed', `You signed in as ${user.profile.preferred_username ?? user.profile.sub}, but this page belongs to ${profile.preferred_username ?? profile.sub}. Sign in as ${profile.preferred_username ?? profile.sub} to keep working here.`);
    }
    await this.keep(issuer, user, receivedAt);
  }

  /**
   * Runs in the popup: posts the response to the page that opened it (same origin only), which checks
   * the state and exchanges the code. The popup's own sessionStorage is a copy taken before the
   * sign-in state existed, so nothing is looked up here.
   */
  async completePopupCallback(callbackUrl: string): Promise<void> {
    const issuer = this.config.issuers[0];
    if (!issuer) throw new KheopsAuthError('configuration_invalid', 'No trusted issuer is configured.');
    await this.manager(issuer).signinPopupCallback(callbackUrl);
  }

  /**
   * Completes the sign-in from the callback URL and returns where to go next. The issuer is found
   * from the stored state (the URL alone is not trusted), and the RFC 9207 `iss` parameter and the
   * ID token's `iss` and `aud` are checked, which oidc-client-ts does not do.
   */
  async completeSignIn(callbackUrl: string): Promise<{ target: string; user: SignedInUser }> {
    const url = new URL(callbackUrl);
    const { stateId, issuer } = await this.pendingSignIn(url);
    const responseIssuer = url.searchParams.get('iss');
    if (responseIssuer !== null && responseIssuer !== issuer.issuer) {
      await stateStore(this.environment).remove(stateId);
      throw new KheopsAuthError('issuer_mismatch', `The sign-in response comes from ${responseIssuer}, but the sign-in was sent to ${issuer.issuer}.`);
    }
    const error = url.searchParams.get('error');
    if (error !== null) {
      await stateStore(this.environment).remove(stateId);
      const description = url.searchParams.get('error_description');
      throw new KheopsAuthError(
        'provider_error',
        `${issuer.displayName} did not sign you in: ${error}${description ? ` (${description})` : ''}.`,
        'Open the study again from KHEOPS.',
      );
    }

    let user: User;
    const receivedAt = this.services.now();
    try {
      user = await this.manager(issuer).signinRedirectCallback(callbackUrl);
    } catch (cause) {
      throw new KheopsAuthError('sign_in_failed', `The sign-in with ${issuer.displayName} could not be completed: ${(cause as Error).message}`);
    }
    try {
      checkTokens(user, issuer);
    } catch (error) {
      await this.manager(issuer).removeUser();
      throw error;
    }
    this.environment.storage.setItem(ACTIVE_ISSUER_KEY, issuer.issuer);
    await this.keep(issuer, user, receivedAt);
    const target = (user.state as SignInState | undefined)?.target ?? this.config.defaultTarget;
    return { target, user: this.describe(issuer, user) };
  }

  private describe(issuer: TrustedIssuer, user: User): SignedInUser {
    const profile = user.profile;
    const name = profile.name ?? profile.preferred_username ?? profile.sub;
    return { subject: profile.sub, name, issuer, expiresAt: user.expires_at, scopes: user.scopes };
  }

  signedInUser(): SignedInUser | undefined {
    return this.current ? this.describe(this.current.issuer, this.current.keeper.current()) : undefined;
  }

  /**
   * The header OHIF puts on every DICOMweb request; read at request time so a renewed token is used
   * at once. A token found due (a throttled timer in a background tab) starts its renewal here.
   */
  authorizationHeader(): { Authorization: string } | undefined {
    const keeper = this.current?.keeper;
    if (!keeper) return undefined;
    if (keeper.isDue() && keeper.sessionHealth() !== 'ended') {
      keeper.renew().catch(() => undefined);
    }
    return { Authorization: `Bearer ${keeper.current().access_token}` };
  }
}
