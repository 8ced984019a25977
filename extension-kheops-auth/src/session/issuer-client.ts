import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { KheopsAuthRoutes, TrustedIssuer } from '../config/types';
import { STATE_PREFIX, USER_PREFIX } from './storage-keys';

export interface BrowserEnvironment {
  /** The viewer's origin, e.g. https://viewer.example.org */
  viewerOrigin: string;
  storage: Storage;
}

/** The sign-in state stored by oidc-client-ts between the redirect and the callback. */
export interface SignInState {
  target: string;
}

export function stateStore(environment: BrowserEnvironment): WebStorageStateStore {
  return new WebStorageStateStore({ prefix: STATE_PREFIX, store: environment.storage });
}

/**
 * One oidc-client-ts UserManager per trusted issuer: code flow with PKCE (its only flow),
 * sign-in state and this tab's copy of the tokens in sessionStorage, no iframes, no session monitoring.
 */
export function createUserManager(
  issuer: TrustedIssuer,
  routes: KheopsAuthRoutes,
  environment: BrowserEnvironment,
): UserManager {
  return new UserManager({
    authority: issuer.issuer,
    client_id: issuer.clientId,
    redirect_uri: `${environment.viewerOrigin}${routes.callback}`,
    popup_redirect_uri: `${environment.viewerOrigin}${routes.popupCallback}`,
    response_type: 'code',
    scope: issuer.scope,
    loadUserInfo: false,
    monitorSession: false,
    // Renewal is the TokenKeeper's: oidc-client-ts's own timer knows nothing of other tabs.
    automaticSilentRenew: false,
    revokeTokenTypes: ['refresh_token', 'access_token'],
    stateStore: stateStore(environment),
    userStore: new WebStorageStateStore({ prefix: USER_PREFIX, store: environment.storage }),
  });
}
