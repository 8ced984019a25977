import type { User } from 'oidc-client-ts';
import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import { KheopsAuthError } from '../errors';
import type { OidcLaunch } from '../launch/types';
import { beginSignIn, IssuerClient, stateStore, type BrowserEnvironment, type SignInState } from './issuer-client';
import { openSignInPopup, PopupResponseListener, returnToOpener, watchClosed } from './popup-sign-in';
import { browserSessionChannel, type SessionChannel } from './session-channel';
import { loadTabUser, removeTabUser, saveTabUser } from './tab-user-store';
import { browserTokenStore, type SharedTokenStore } from './shared-token-store';
import { ACTIVE_ISSUER_KEY } from './storage-keys';
import { checkTokens } from './token-checks';
import { browserTimers, refreshLockName, TokenKeeper, type SessionHealth, type TimerApi } from './token-keeper';
import { browserLock, browserTabPresence, type TabPresence, type WithLock } from './web-lock';
import { forgetAbandonedSessions } from './abandoned-sessions';
import { clearStaticToken, loadStaticToken, notRenewable, saveStaticToken, StaticTokenKeeper, type StaticToken } from './static-token';

/** What the session needs of whoever keeps its token: TokenKeeper (OIDC) or StaticTokenKeeper (legacy launches). */
type Keeper = Pick<TokenKeeper, 'current' | 'sessionHealth' | 'isDue' | 'renew' | 'renewOrWait' | 'ensureFresh' | 'stop' | 'start'>;

/** The session's collaborators outside the browser page itself; tests replace them. */
export interface SessionServices {
  store: SharedTokenStore;
  withLock: WithLock;
  timers: TimerApi;
  now(): number;
  channel: SessionChannel;
  /** Which sessions an open tab uses; undefined where the browser cannot tell. */
  presence?: TabPresence | undefined;
}

export function browserSessionServices(): SessionServices {
  return {
    store: browserTokenStore(),
    withLock: browserLock(),
    timers: browserTimers,
    now: () => Date.now(),
    channel: browserSessionChannel(),
    presence: browserTabPresence(),
  };
}

export type HealthListener = (health: SessionHealth, error?: unknown) => void;

/** `here`: this tab signed out; `elsewhere`: another tab did, and this one followed. */
export type SignOutListener = (where: 'here' | 'elsewhere') => void;

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
  private readonly clients = new Map<string, IssuerClient>();
  private current: { issuer: TrustedIssuer; keeper: Keeper } | undefined;
  /** Who this tab's session belonged to after a sign-out, so that "Sign in again" signs in the same person. */
  private previous: { issuer: TrustedIssuer; loginHint: string; subject: string } | undefined;
  private readonly healthListeners = new Set<HealthListener>();
  private readonly signOutListeners = new Set<SignOutListener>();
  /** The popup sign-in under way, shared by every window opened for it. */
  private reauthentication: { listener: PopupResponseListener; done: Promise<void> } | undefined;

  constructor(
    private readonly config: KheopsAuthConfig,
    private readonly environment: BrowserEnvironment,
    private readonly services: SessionServices = browserSessionServices(),
  ) {
    services.channel.onSignOut(key => this.followSignOut(key));
  }

  private client(issuer: TrustedIssuer): IssuerClient {
    let client = this.clients.get(issuer.issuer);
    if (!client) {
      client = new IssuerClient(issuer, this.config.routes, this.environment);
      this.clients.set(issuer.issuer, client);
    }
    return client;
  }

  /** Renews through oidc-client-ts from `base` (the newest tokens any tab holds), then checks what came back. */
  private async refreshWith(issuer: TrustedIssuer, base: User): Promise<User> {
    const next = await this.client(issuer).refresh(base);
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
        onTokens: next => saveTabUser(this.environment.storage, issuer, next),
        onHealth: (health, error) => this.healthListeners.forEach(listener => listener(health, error)),
      },
      this.sessionKey(issuer, user),
      user,
      receivedAt,
    );
    this.current = { issuer, keeper };
    saveTabUser(this.environment.storage, issuer, user);
    this.environment.storage.setItem(ACTIVE_ISSUER_KEY, issuer.issuer);
    await keeper.start();
  }

  /** Picks up the session this tab already had (after a reload), renewing it at once if it ran out meanwhile. */
  async restore(): Promise<void> {
    await this.restoreTabSession();
    // Only after this tab marked its own session as used: that one is never taken for abandoned.
    forgetAbandonedSessions(this.services.store, this.services.presence, this.services.withLock, this.services.now(), refreshLockName).catch(error =>
      console.warn('[kheops-auth] could not clear sessions left by closed tabs', error),
    );
  }

  private async restoreTabSession(): Promise<void> {
    const saved = loadStaticToken(this.environment.storage, this.services.now());
    const savedIssuer = saved && this.config.issuers.find(candidate => candidate.issuer === saved.issuer);
    if (saved && savedIssuer) {
      await this.adoptStaticToken(savedIssuer, saved);
      return;
    }
    const active = this.environment.storage.getItem(ACTIVE_ISSUER_KEY);
    const issuer = this.config.issuers.find(candidate => candidate.issuer === active);
    if (!issuer) return;
    const user = loadTabUser(this.environment.storage, issuer);
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
  beginSignIn(launch: OidcLaunch, navigate?: (url: string) => void): Promise<void> {
    return beginSignIn(launch, this.config.routes, this.environment, navigate);
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

  /** The person this tab's session belongs to (or belonged to, before a sign-out). */
  private identity(): { issuer: TrustedIssuer; loginHint: string; subject: string } | undefined {
    const current = this.current;
    if (!current) return this.previous;
    const profile = current.keeper.current().profile;
    return { issuer: current.issuer, loginHint: profile.preferred_username ?? profile.sub, subject: profile.sub };
  }

  /**
   * Signs the same person in again in a popup, for a session that can no longer be renewed (or that
   * was signed out): the page, its measurements and any request waiting for a token stay as they are.
   * Must be called from a click: the popup opens before anything asynchronous runs. Calling it again
   * while a sign-in is under way opens another window; whichever answers first signs the person in.
   * `onWindowClosed` hears when this call's window looks closed, so the page can offer to try again.
   */
  async signInAgain(view?: Window, onWindowClosed?: () => void): Promise<void> {
    if (this.current?.keeper instanceof StaticTokenKeeper) throw notRenewable();
    const identity = this.identity();
    if (!identity) throw new KheopsAuthError('no_session', 'No one is signed in to KHEOPS in this tab.');
    view ??= window;
    const popup = openSignInPopup(view);
    const attempt = (this.reauthentication ??= this.startReauthentication(view, identity));
    const stopWatching = watchClosed(view, popup, () => onWindowClosed?.());
    try {
      const target = view.location.pathname + view.location.search;
      const request = await this.client(identity.issuer).signInRequest({ target, loginHint: identity.loginHint, returnTo: 'popup' });
      attempt.listener.expect(request.state);
      popup.location.replace(request.url);
      popup.focus();
      await attempt.done;
    } catch (error) {
      popup.close();
      throw error;
    } finally {
      stopWatching();
    }
  }

  private startReauthentication(view: Window, identity: { issuer: TrustedIssuer; loginHint: string; subject: string }): { listener: PopupResponseListener; done: Promise<void> } {
    const listener = new PopupResponseListener(view);
    const done = listener.response
      .then(async callbackUrl => {
        const receivedAt = this.services.now();
        const { issuer, user } = await this.exchange(callbackUrl);
        if (user.profile.sub !== identity.subject) {
          const name = user.profile.preferred_username ?? user.profile.sub;
          throw new KheopsAuthError(
            'sign_in_failed',
            `You signed in as ${name}, but this page belongs to ${identity.loginHint}. Sign in as ${identity.loginHint} to keep working here.`,
          );
        }
        this.previous = undefined;
        await this.keep(issuer, user, receivedAt);
      })
      .finally(() => {
        listener.dispose();
        this.reauthentication = undefined;
      });
    return { listener, done };
  }

  /** Runs in the popup: hands the provider's response to the viewer page that opened it. */
  completePopupCallback(callbackUrl: string): void {
    returnToOpener(callbackUrl, window);
  }

  /**
   * Signs out everywhere: every tab of this origin drops the session at once, the shared record of the
   * tokens is deleted, and the provider is asked to revoke them. Resolves false when the provider
   * offers no revocation (the tokens then lapse); rejects when it did not confirm the revocation, after
   * the viewer has forgotten the tokens all the same.
   */
  async signOut(): Promise<boolean> {
    const current = this.current;
    if (!current) return false;
    const own = current.keeper.current();
    const key = this.sessionKey(current.issuer, own);
    this.forgetTab(current.issuer);
    current.keeper.stop();
    // KHEOPS's link tokens come with no revocation for the viewer; they lapse at their expiry.
    if (!(current.keeper instanceof TokenKeeper)) {
      this.signOutListeners.forEach(listener => listener('here'));
      return false;
    }
    const newest = await current.keeper.forget();
    this.services.channel.announceSignOut(key);
    this.signOutListeners.forEach(listener => listener('here'));
    const client = this.client(current.issuer);
    // This tab may still hold tokens of its own sign-in while the shared record holds another tab's.
    const [revoked] = await Promise.all([client.revoke(newest), newest.refresh_token === own.refresh_token ? undefined : client.revoke(own).catch(() => undefined)]);
    return revoked;
  }

  onSignOut(listener: SignOutListener): () => void {
    this.signOutListeners.add(listener);
    return () => this.signOutListeners.delete(listener);
  }

  private sessionKey(issuer: TrustedIssuer, user: User): string {
    return `${issuer.issuer}|${user.profile.sub}`;
  }

  /** Another tab signed this person out: this tab stops using and renewing the tokens it holds. */
  private followSignOut(key: string): void {
    const current = this.current;
    if (!current || this.sessionKey(current.issuer, current.keeper.current()) !== key) return;
    const own = current.keeper.current();
    this.forgetTab(current.issuer);
    current.keeper.stop();
    this.signOutListeners.forEach(listener => listener('elsewhere'));
    // Tokens of this tab's own sign-in that the shared record no longer held; revoking twice is harmless.
    if (current.keeper instanceof TokenKeeper) this.client(current.issuer).revoke(own).catch(() => undefined);
  }

  /** Drops this tab's session and its stored copy; remembers whose it was for a later "Sign in again". */
  private forgetTab(issuer: TrustedIssuer): void {
    this.previous = this.identity();
    this.current = undefined;
    removeTabUser(this.environment.storage, issuer);
    clearStaticToken(this.environment.storage);
    this.environment.storage.removeItem(ACTIVE_ISSUER_KEY);
  }

  /** Exchanges the code of a callback URL whose state this tab stored; checks the RFC 9207 `iss` and the tokens. */
  private async exchange(callbackUrl: string): Promise<{ issuer: TrustedIssuer; user: User }> {
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
    try {
      user = await this.client(issuer).completeSignIn(callbackUrl);
    } catch (cause) {
      throw new KheopsAuthError('sign_in_failed', `The sign-in with ${issuer.displayName} could not be completed: ${(cause as Error).message}`);
    }
    checkTokens(user, issuer);
    return { issuer, user };
  }

  /**
   * Completes the sign-in from the callback URL and returns where to go next. The issuer is found
   * from the stored state (the URL alone is not trusted), and the RFC 9207 `iss` parameter and the
   * ID token's `iss` and `aud` are checked, which oidc-client-ts does not do.
   */
  async completeSignIn(callbackUrl: string): Promise<{ target: string; user: SignedInUser }> {
    const receivedAt = this.services.now();
    const { issuer, user } = await this.exchange(callbackUrl);
    this.previous = undefined;
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
