import { OidcClient, User, WebStorageStateStore, type RefreshState } from 'oidc-client-ts';
import type { KheopsAuthRoutes, TrustedIssuer } from '../config/types';
import type { OidcLaunch } from '../launch/types';
import { KheopsAuthError } from '../errors';
import { STATE_PREFIX } from './storage-keys';

export interface BrowserEnvironment {
  /** The viewer's origin, e.g. https://viewer.example.org */
  viewerOrigin: string;
  storage: Storage;
}

/** The sign-in state stored by oidc-client-ts between the redirect and the callback. */
export interface SignInState {
  target: string;
  /** Set on the one silent sign-in that upgrades a released-KHEOPS launch: the kept launch's id (silent-upgrade.ts). */
  upgrade?: string;
}

export function stateStore(environment: BrowserEnvironment): WebStorageStateStore {
  return new WebStorageStateStore({ prefix: STATE_PREFIX, store: environment.storage });
}

/** Where the provider sends the browser back: the tab itself, or the re-authentication popup. */
export type ReturnTo = 'tab' | 'popup';

export interface SignInRequest {
  /** The provider's authorization URL, with a fresh state, nonce and PKCE challenge. */
  url: string;
  /** The state's id, which the response names. */
  state: string;
}

/**
 * The protocol work for one trusted issuer, all of it done by oidc-client-ts: the code flow with PKCE,
 * the code exchange, the refresh grant and token revocation. Only its low-level `OidcClient` is used:
 * `UserManager` brings popups, iframes and session monitoring this viewer does differently or not at
 * all (renewal is the TokenKeeper's, across tabs), at twice the bytes in the runtime module.
 */
export class IssuerClient {
  private readonly client: OidcClient;

  constructor(
    readonly issuer: TrustedIssuer,
    private readonly routes: KheopsAuthRoutes,
    private readonly environment: BrowserEnvironment,
  ) {
    this.client = new OidcClient({
      authority: issuer.issuer,
      client_id: issuer.clientId,
      redirect_uri: this.redirectUri('tab'),
      response_type: 'code',
      scope: issuer.scope,
      loadUserInfo: false,
      stateStore: stateStore(environment),
    });
  }

  private redirectUri(returnTo: ReturnTo): string {
    return `${this.environment.viewerOrigin}${returnTo === 'tab' ? this.routes.callback : this.routes.popupCallback}`;
  }

  /** Stores a new sign-in state (the target travels in it, not in the URL) and returns where to send the browser. */
  async signInRequest(args: { target: string; loginHint?: string | undefined; returnTo: ReturnTo; prompt?: 'none'; upgrade?: string }): Promise<SignInRequest> {
    const state: SignInState = { target: args.target, ...(args.upgrade ? { upgrade: args.upgrade } : {}) };
    const request = await this.client.createSigninRequest({
      state,
      redirect_uri: this.redirectUri(args.returnTo),
      request_type: args.returnTo === 'tab' ? 'si:r' : 'si:p',
      ...(args.loginHint ? { login_hint: args.loginHint } : {}),
      ...(args.prompt ? { prompt: args.prompt } : {}),
    });
    return { url: request.url, state: request.state.id };
  }

  /** Checks the response against its stored state (consumed, so single-use) and exchanges the code. */
  async completeSignIn(callbackUrl: string): Promise<User> {
    const response = await this.client.processSigninResponse(callbackUrl);
    return new User(response);
  }

  /** The refresh grant from `base`'s refresh token; the profile carries over, as OIDC renewals do. */
  async refresh(base: User): Promise<User> {
    if (!base.refresh_token) throw Object.assign(new Error('this session has no refresh token'), { error: 'invalid_grant' });
    const state = {
      refresh_token: base.refresh_token,
      id_token: base.id_token,
      session_state: base.session_state,
      scope: base.scope,
      profile: base.profile,
      data: base.state,
    } as RefreshState;
    const response = await this.client.useRefreshToken({ state, timeoutInSeconds: 10 });
    return new User({ ...state, ...response, userState: base.state });
  }

  /**
   * Revokes the refresh token (RFC 7009; the provider ends the grant with it) and then the access
   * token. Returns false when the provider has no revocation endpoint: the tokens then simply lapse.
   */
  async revoke(user: User): Promise<boolean> {
    if (!(await this.client.metadataService.getRevocationEndpoint())) return false;
    const failures: string[] = [];
    if (user.refresh_token) await this.client.revokeToken(user.refresh_token, 'refresh_token').catch(() => failures.push('refresh token'));
    // Self-contained (JWT) access tokens often cannot be revoked; the provider then says so, harmlessly.
    await this.client.revokeToken(user.access_token, 'access_token').catch(() => undefined);
    if (failures.length > 0) {
      throw new KheopsAuthError('sign_out_incomplete', `${this.issuer.displayName} did not confirm the end of the session (the ${failures.join(' and ')} was not revoked).`);
    }
    return true;
  }
}

/**
 * Starts the code flow for a validated launch: a new sign-in state (PKCE verifier, nonce, the target)
 * in this tab's storage, then the browser goes to the provider. The login page uses it without the
 * rest of the session code.
 */
export async function beginSignIn(
  launch: OidcLaunch,
  routes: KheopsAuthRoutes,
  environment: BrowserEnvironment,
  navigate: (url: string) => void = url => window.location.assign(url),
): Promise<void> {
  const request = await new IssuerClient(launch.issuer, routes, environment).signInRequest({ target: launch.target, loginHint: launch.loginHint, returnTo: 'tab' });
  navigate(request.url);
}
