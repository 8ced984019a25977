import type { User } from 'oidc-client-ts';
import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import { checkKeptTarget } from '../launch/target';
import { KheopsAuthError } from '../errors';
import type { StaticToken } from '../launch/types';
import { CallbackExchange } from './callback-exchange';
import type { BrowserEnvironment, SignInState } from './issuer-client';
import { IssuerClients } from './issuer-clients';
import { personNameOr, signInHintOf } from './person-name';
import { PopupReauthentication, type SessionIdentity } from './popup-reauthentication';
import { upgradedSession, type Keeper, type SessionKind } from './session-kind';
import type { KeptLaunch } from '../launch/launch-upgrade';
import { clearUpgradeOutcome, readUpgradeOutcome, SilentUpgrade } from './silent-upgrade';
import { openSignInPopup } from './popup-sign-in';
import { revocationRefused } from './token-revocation';
import { browserSessionChannel, type SessionChannel } from './session-channel';
import { loadTabUser, removeTabUser, saveTabUser } from './tab-user-store';
import { browserTokenStore, type SharedTokenStore } from './shared-token-store';
import { ACTIVE_ISSUER_KEY } from './storage-keys';
import { checkTokens } from './token-checks';
import { browserTimers, refreshLockName, TokenKeeper, type SessionHealth, type TimerApi } from './token-keeper';
import { browserLock, browserTabPresence, type TabPresence, type WithLock } from './web-lock';
import { forgetAbandonedSessions } from './abandoned-sessions';
import { clearStaticToken, loadStaticToken, notRenewable, saveStaticToken, StaticTokenKeeper } from './static-token';
import { BridgeCookieKeeper, bridgeSessionEnd } from './bridge-cookie';

/** The session's collaborators outside the browser page itself; tests replace them. */
export interface SessionServices {
  store: SharedTokenStore;
  withLock: WithLock;
  timers: TimerApi;
  now(): number;
  channel: SessionChannel;
  /** Which sessions an open tab uses; undefined where the browser cannot tell. */
  presence?: TabPresence | undefined;
  /** For the one QIDO that checks an upgraded launch's token (silent-upgrade.ts); default window.fetch. */
  fetch?: (url: string, init: { headers: Record<string, string> }) => Promise<{ status: number; json(): Promise<unknown> }>;
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
  /** When the current token arrived (epoch ms). */
  receivedAt: number;
  /** What kind of session this is (session-kind.ts). */
  kind: SessionKind;
  /** The launch's way back to KHEOPS (report-provider launches). */
  returnUri?: string | undefined;
}

/**
 * The viewer's sign-in state across all trusted issuers, coordinating the parts that do the work:
 * the callback exchange, the popup re-authentication, and the keeper of the current token, whose
 * kind (session-kind.ts) says what the session can do. Answers "which token goes on the next
 * DICOMweb request" synchronously, as OHIF asks for it. Knows nothing of React or OHIF.
 * (The redirect that starts a sign-in needs no session: issuer-client.ts `beginSignIn`.)
 */
export class KheopsSession {
  private readonly clients: IssuerClients;
  private readonly callback: CallbackExchange;
  private readonly reauthentication: PopupReauthentication;
  private readonly upgrade: SilentUpgrade;
  private current: { issuer: TrustedIssuer; keeper: Keeper } | undefined;
  /** Who this tab's session belonged to after a sign-out, so that "Sign in again" signs in the same person. */
  private previous: SessionIdentity | undefined;
  private readonly healthListeners = new Set<HealthListener>();
  private readonly signOutListeners = new Set<SignOutListener>();
  private readonly endListeners = new Set<() => void>();

  constructor(
    private readonly config: KheopsAuthConfig,
    private readonly environment: BrowserEnvironment,
    private readonly services: SessionServices = browserSessionServices(),
  ) {
    this.clients = new IssuerClients(config.routes, environment);
    this.callback = new CallbackExchange(config, environment, this.clients);
    this.reauthentication = new PopupReauthentication(this.clients, this.callback, services.now, (issuer, user, receivedAt) => {
      this.previous = undefined;
      return this.keep(issuer, user, receivedAt);
    });
    this.upgrade = new SilentUpgrade({
      config,
      environment,
      clients: this.clients,
      callback: this.callback,
      now: services.now,
      fetch: services.fetch ?? ((url, init) => window.fetch(url, { ...init, credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' })),
      keep: (issuer, user, receivedAt, scopes) => this.keep(issuer, user, receivedAt, upgradedSession(scopes)),
    });
    services.channel.onSignOut(key => this.followSignOut(key));
  }

  /**
   * Leaves for the realm with the one silent sign-in that may upgrade the released-KHEOPS launch this
   * tab just adopted (silent-upgrade.ts); its static session stays in sessionStorage as the fallback.
   */
  beginUpgrade(kept: KeptLaunch, through: TrustedIssuer, navigate: (url: string) => void): Promise<boolean> {
    return this.upgrade.begin(kept, through, navigate);
  }

  /** Renews through oidc-client-ts from `base` (the newest tokens any tab holds), then checks what came back. */
  private async refreshWith(issuer: TrustedIssuer, base: User): Promise<User> {
    const next = await this.clients.of(issuer).refresh(base);
    checkTokens(next, issuer);
    return next;
  }

  /** Makes `user` this tab's session and keeps its tokens fresh from now on. */
  private async keep(issuer: TrustedIssuer, user: User, receivedAt: number, kind?: SessionKind): Promise<void> {
    this.current?.keeper.stop();
    clearStaticToken(this.environment.storage);
    // A new sign-in of the same person keeps an upgraded session's kind (its launch's scopes); any other ends it.
    const upgraded = kind ?? this.upgradedKind(issuer, user);
    if (!upgraded) clearUpgradeOutcome(this.environment.storage);
    const keeper = new TokenKeeper(
      {
        ...this.services,
        kind: upgraded,
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

  /** The upgraded kind this tab's stored outcome gives this person's tokens, if any (after a reload, a popup sign-in). */
  private upgradedKind(issuer: TrustedIssuer, user: User): SessionKind | undefined {
    const outcome = readUpgradeOutcome(this.environment.storage);
    return outcome?.upgraded && outcome.issuer === issuer.issuer && outcome.subject === user.profile.sub ? upgradedSession(outcome.scopes) : undefined;
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
      if (saved.bridge) await this.adoptBridgeSession(savedIssuer, saved);
      else await this.adoptStaticToken(savedIssuer, saved);
      return;
    }
    // A token of an issuer the configuration no longer trusts is never used, nor kept to name its user.
    if (saved) clearStaticToken(this.environment.storage);
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
    saveStaticToken(this.environment.storage, { ...token, receivedAt: keeper.tokensReceivedAt(), issuer: issuer.issuer });
    this.current = { issuer, keeper };
    await keeper.start();
  }

  /**
   * Makes the session the report-provider bridge holds in its cookie this tab's (launch/bridge-landing.ts):
   * its end and person as the bridge told them; the token itself never reaches the page.
   */
  async adoptBridgeSession(issuer: TrustedIssuer, token: Omit<StaticToken, 'accessToken'>): Promise<void> {
    this.current?.keeper.stop();
    const keeper = new BridgeCookieKeeper(
      { now: this.services.now, timers: this.services.timers, onHealth: (health, error) => this.healthListeners.forEach(listener => listener(health, error)) },
      token,
      bridgeSessionEnd(issuer.issuer),
    );
    saveStaticToken(this.environment.storage, { ...token, accessToken: keeper.authorization(), receivedAt: keeper.tokensReceivedAt(), issuer: issuer.issuer, bridge: true });
    this.current = { issuer, keeper };
    await keeper.start();
  }

  /**
   * Whether this session can be renewed, by its refresh token or by signing in again in a popup.
   * False for a token that came with a launch URL: when it ends, only a new launch from KHEOPS helps.
   */
  isRenewable(): boolean {
    return this.current?.keeper.kind.renewable ?? true;
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
    return { Authorization: this.current.keeper.authorization?.() ?? `Bearer ${user.access_token}` };
  }

  /**
   * Renews now, e.g. after the server refused the current token. While the provider is unreachable
   * this waits for the keeper's retries; it rejects only when the session has ended.
   */
  async renewNow(): Promise<void> {
    if (!this.current) throw new KheopsAuthError('no_session', 'No one is signed in to KHEOPS in this tab.');
    await this.current.keeper.renewOrWait();
  }

  /** The person this tab's session belongs to (or belonged to, before a sign-out). */
  private identity(): SessionIdentity | undefined {
    const current = this.current;
    if (!current) return this.previous;
    const profile = current.keeper.current().profile;
    return { issuer: current.issuer, loginHint: signInHintOf(profile), name: personNameOr(profile, current.issuer.displayName), subject: profile.sub };
  }

  /**
   * Signs the same person in again in a popup, for a session that can no longer be renewed (or that
   * was signed out): the page, its measurements and any request waiting for a token stay as they are.
   * Must be called from a click: the popup opens before anything asynchronous runs. Calling it again
   * while a sign-in is under way opens another window; whichever answers first signs the person in.
   * `onWindowClosed` hears when this call's window looks closed, so the page can offer to try again.
   */
  async signInAgain(view?: Window, onWindowClosed?: () => void): Promise<void> {
    if (this.current && !this.current.keeper.kind.renewable) throw notRenewable();
    const identity = this.identity();
    if (!identity) throw new KheopsAuthError('no_session', 'No one is signed in to KHEOPS in this tab.');
    await this.reauthentication.signIn(identity, view ?? window, onWindowClosed);
  }

  /**
   * Signs out everywhere: every tab of this origin drops the session at once, the shared record of the
   * tokens is deleted, and the provider is asked to revoke them (token-revocation.ts). Resolves false
   * when the provider offers no revocation (the tokens then lapse); rejects with `sign_out_incomplete`
   * when it refused or could not be reached, after the viewer has forgotten the tokens all the same.
   * When the issuer entry sets `postLogoutRedirectUri`, the provider's own session is ended too
   * (RP-initiated logout) in a window of its own, opened at once from the click, so that this page
   * and its measurements stay.
   */
  async signOut(view?: Window): Promise<boolean> {
    const current = this.current;
    if (!current) return false;
    const logoutWindow = current.issuer.postLogoutRedirectUri && current.keeper.kind.revocable ? openLogoutWindow(view ?? window) : undefined;
    const own = current.keeper.current();
    const key = this.sessionKey(current.issuer, own);
    this.forgetTab(current.issuer);
    current.keeper.stop();
    // KHEOPS's link tokens come with no revocation for the viewer; they lapse at their expiry.
    if (!current.keeper.kind.revocable) {
      // The bridge can at least drop its cookie: the token then lapses where nobody holds it.
      await current.keeper.endRemotely?.().catch(error => console.warn('[kheops-auth] the bridge did not confirm the sign-out', error));
      this.signOutListeners.forEach(listener => listener('here'));
      return false;
    }
    const newest = await current.keeper.forget();
    this.services.channel.announceSignOut(key);
    this.signOutListeners.forEach(listener => listener('here'));
    const client = this.clients.of(current.issuer);
    // This tab may still hold tokens of its own sign-in while the shared record holds another tab's.
    const [revocation] = await Promise.all([client.revoke(newest), newest.refresh_token === own.refresh_token ? undefined : client.revoke(own).catch(() => undefined)]);
    if (logoutWindow) {
      // The ID token is still accepted as id_token_hint after the refresh token is revoked (Glewlwyd, Keycloak).
      const endSession = await client.endSessionUrl(newest).catch(() => undefined);
      if (endSession) logoutWindow.location.replace(endSession);
      else logoutWindow.close();
    }
    if (revocation.outcome === 'refused') throw revocationRefused(current.issuer.displayName, revocation.detail);
    return revocation.outcome === 'revoked';
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
    if (current.keeper.kind.revocable) this.clients.of(current.issuer).revoke(own).catch(() => undefined);
  }

  /**
   * Heard the moment this tab stops holding a token (sign-out here or in another tab), before the
   * provider is told: from then on requests would go out without one, so whatever sends them must stop.
   */
  onSessionEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Drops this tab's session and its stored copy; remembers whose it was for a later "Sign in again". */
  private forgetTab(issuer: TrustedIssuer): void {
    this.previous = this.identity();
    this.current = undefined;
    // A listener that fails must not keep the tokens from being forgotten and revoked.
    this.endListeners.forEach(listener => {
      try {
        listener();
      } catch (error) {
        console.warn('[kheops-auth] a session-end listener failed', error);
      }
    });
    removeTabUser(this.environment.storage, issuer);
    clearStaticToken(this.environment.storage);
    this.environment.storage.removeItem(ACTIVE_ISSUER_KEY);
  }

  /** Completes the sign-in from the callback URL (callback-exchange.ts checks it) and returns where to go next. */
  async completeSignIn(callbackUrl: string): Promise<{ target: string; user: SignedInUser | undefined }> {
    const upgradeId = await this.upgrade.isUpgradeAnswer(callbackUrl);
    if (upgradeId) {
      const { target } = await this.upgrade.complete(callbackUrl, upgradeId);
      return { target: this.landing(target), user: this.signedInUser() };
    }
    const receivedAt = this.services.now();
    const { issuer, user } = await this.callback.exchange(callbackUrl);
    this.previous = undefined;
    await this.keep(issuer, user, receivedAt);
    const target = this.landing((user.state as SignInState | undefined)?.target);
    return { target, user: this.describe(issuer, this.current!.keeper) };
  }

  /** Where a completed sign-in goes: its checked target, checked again here, for no launch lands outside the allowed paths. */
  private landing(target: string | undefined): string {
    return (target === undefined ? undefined : checkKeptTarget(target, this.environment.viewerOrigin, this.config)) ?? this.config.defaultTarget;
  }

  private describe(issuer: TrustedIssuer, keeper: Keeper): SignedInUser {
    const user = keeper.current();
    const profile = user.profile;
    const name = personNameOr(profile, issuer.displayName);
    // An upgraded launch may do what the launch allowed: a realm token carries no KHEOPS scopes.
    const scopes = keeper.kind.name === 'upgraded' ? keeper.kind.scopes : user.scopes;
    return { subject: profile.sub, name, issuer, expiresAt: user.expires_at, scopes, receivedAt: keeper.tokensReceivedAt(), kind: keeper.kind, returnUri: keeper.returnUri };
  }

  signedInUser(): SignedInUser | undefined {
    return this.current ? this.describe(this.current.issuer, this.current.keeper) : undefined;
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
    return { Authorization: keeper.authorization?.() ?? `Bearer ${keeper.current().access_token}` };
  }
}

/** A blocked window only means the provider's own session is left as it is; the sign-out goes on. */
function openLogoutWindow(view: Window): Window | undefined {
  try {
    return openSignInPopup(view);
  } catch {
    return undefined;
  }
}
