import { OidcClient, User, WebStorageStateStore, type RefreshState } from 'oidc-client-ts';
import type { KheopsAuthRoutes, TrustedIssuer } from '../config/types';
import type { OidcLaunch } from '../launch/types';
import { KheopsAuthError } from '../errors';
import { isUnusableAnswer, REFUSAL_CONTENT_TYPES } from './refresh-refusal';
import { STATE_PREFIX } from './storage-keys';
import { revokeSession, type RevocationResult } from './token-revocation';

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
      // The token endpoint's refusals may come without JSON: listed, oidc-client-ts reads their status.
      revokeTokenAdditionalContentTypes: REFUSAL_CONTENT_TYPES,
    });
  }

  private redirectUri(returnTo: ReturnTo): string {
    return `${this.environment.viewerOrigin}${returnTo === 'tab' ? this.routes.callback : this.routes.popupCallback}`;
  }

  /**
   * Stores a new sign-in state (the target travels in it, not in the URL) and returns where to send
   * the browser. oidc-client-ts sends a `nonce` only when given one: a fresh one goes with every
   * request (some providers, Glewlwyd, refuse a request without), is kept in the stored state and
   * checked against the ID token's by oidc-client-ts.
   */
  async signInRequest(args: { target: string; loginHint?: string | undefined; returnTo: ReturnTo; prompt?: 'none'; upgrade?: string }): Promise<SignInRequest> {
    const state: SignInState = { target: args.target, ...(args.upgrade ? { upgrade: args.upgrade } : {}) };
    const request = await this.client.createSigninRequest({
      state,
      nonce: freshNonce(),
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
    let response: Awaited<ReturnType<OidcClient['useRefreshToken']>>;
    try {
      response = await this.client.useRefreshToken({ state, timeoutInSeconds: 10 });
    } catch (error) {
      // An answer that arrived but cannot be used (a fresh ID token of another person) will not get better.
      if (isUnusableAnswer(error)) throw new KheopsAuthError('invalid_token_response', `${this.issuer.displayName} sent unusable tokens: ${(error as Error).message}.`);
      throw error;
    }
    return new User({ ...state, ...response, userState: base.state });
  }

  /** Whether discovery says every authorization response carries `iss` (RFC 9207 §3). */
  async announcesResponseIssuer(): Promise<boolean> {
    const metadata = (await this.client.metadataService.getMetadata()) as { authorization_response_iss_parameter_supported?: unknown };
    return metadata.authorization_response_iss_parameter_supported === true;
  }

  /**
   * Revokes the refresh token (RFC 7009; the provider ends the grant with it) and then the access
   * token, as the provider accepts it (token-revocation.ts).
   */
  revoke(user: User): Promise<RevocationResult> {
    return revokeSession(this.client, user);
  }

  /**
   * The provider's end-session URL (OpenID RP-Initiated Logout): the ID token as `id_token_hint` and
   * the registered `post_logout_redirect_uri`. Undefined when the provider offers none or this entry
   * does not ask for it.
   */
  async endSessionUrl(user: User): Promise<string | undefined> {
    const postLogoutRedirectUri = this.issuer.postLogoutRedirectUri;
    if (!postLogoutRedirectUri || !user.id_token || !(await this.client.metadataService.getEndSessionEndpoint())) return undefined;
    const request = await this.client.createSignoutRequest({ id_token_hint: user.id_token, post_logout_redirect_uri: postLogoutRedirectUri });
    return request.url;
  }
}

/** 128 random bits, base64url: the `nonce` of one authorization request. */
function freshNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
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
