import type { User, UserManager } from 'oidc-client-ts';
import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import { KheopsAuthError } from '../errors';
import type { OidcLaunch } from '../launch/types';
import { createUserManager, stateStore, type BrowserEnvironment, type SignInState } from './issuer-client';
import { ACTIVE_ISSUER_KEY } from './storage-keys';

export interface SignedInUser {
  name: string;
  issuer: TrustedIssuer;
  expiresAt: number | undefined;
  scopes: string[];
}

function audienceIncludes(aud: unknown, clientId: string): boolean {
  return aud === clientId || (Array.isArray(aud) && aud.includes(clientId));
}

/**
 * The viewer's sign-in state across all trusted issuers: starts sign-ins, completes them, and
 * answers "which token goes on the next DICOMweb request" synchronously, as OHIF asks for it.
 * Knows nothing of React or OHIF.
 */
export class KheopsSession {
  private readonly managers = new Map<string, UserManager>();
  private current: { issuer: TrustedIssuer; user: User } | undefined;

  constructor(
    private readonly config: KheopsAuthConfig,
    private readonly environment: BrowserEnvironment,
  ) {}

  private manager(issuer: TrustedIssuer): UserManager {
    let manager = this.managers.get(issuer.issuer);
    if (!manager) {
      manager = createUserManager(issuer, this.config.routes, this.environment);
      manager.events.addUserLoaded(user => {
        if (this.current?.issuer.issuer === issuer.issuer) this.current = { issuer, user };
      });
      this.managers.set(issuer.issuer, manager);
    }
    return manager;
  }

  /** Picks up the session this tab already had (after a reload). */
  async restore(): Promise<void> {
    const active = this.environment.storage.getItem(ACTIVE_ISSUER_KEY);
    const issuer = this.config.issuers.find(candidate => candidate.issuer === active);
    if (!issuer) return;
    const user = await this.manager(issuer).getUser();
    if (user) {
      this.current = { issuer, user };
      if (user.expired) {
        // The renewal timer only starts on load events; a restored session whose token ran out must renew now.
        void this.manager(issuer).signinSilent().catch(() => undefined);
      }
    }
  }

  /** Sends the browser to the provider: code flow with PKCE, the validated target in the stored state. */
  async beginSignIn(launch: OidcLaunch): Promise<void> {
    const state: SignInState = { target: launch.target };
    await this.manager(launch.issuer).signinRedirect({
      state,
      ...(launch.loginHint ? { login_hint: launch.loginHint } : {}),
    });
  }

  /**
   * Completes the sign-in from the callback URL and returns where to go next. The issuer is found
   * from the stored state (the URL alone is not trusted), and the RFC 9207 `iss` parameter and the
   * ID token's `iss` and `aud` are checked, which oidc-client-ts does not do.
   */
  async completeSignIn(callbackUrl: string): Promise<{ target: string; user: SignedInUser }> {
    const url = new URL(callbackUrl);
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
      user = await this.manager(issuer).signinRedirectCallback(callbackUrl);
    } catch (cause) {
      throw new KheopsAuthError('sign_in_failed', `The sign-in with ${issuer.displayName} could not be completed: ${(cause as Error).message}`);
    }
    if (user.profile.iss !== issuer.issuer) {
      await this.manager(issuer).removeUser();
      throw new KheopsAuthError('issuer_mismatch', `The ID token was issued by ${String(user.profile.iss)}, not by ${issuer.issuer}.`);
    }
    if (!audienceIncludes(user.profile.aud, issuer.clientId)) {
      await this.manager(issuer).removeUser();
      throw new KheopsAuthError('audience_mismatch', `The ID token is not meant for this viewer (client ${issuer.clientId}).`);
    }
    this.environment.storage.setItem(ACTIVE_ISSUER_KEY, issuer.issuer);
    this.current = { issuer, user };
    const target = (user.state as SignInState | undefined)?.target ?? this.config.defaultTarget;
    return { target, user: this.describe(issuer, user) };
  }

  private describe(issuer: TrustedIssuer, user: User): SignedInUser {
    const profile = user.profile;
    const name = profile.name ?? profile.preferred_username ?? profile.sub;
    return { name, issuer, expiresAt: user.expires_at, scopes: user.scopes };
  }

  signedInUser(): SignedInUser | undefined {
    return this.current ? this.describe(this.current.issuer, this.current.user) : undefined;
  }

  /** The header OHIF puts on every DICOMweb request; read at request time so a renewed token is used at once. */
  authorizationHeader(): { Authorization: string } | undefined {
    const token = this.current?.user.access_token;
    return token ? { Authorization: `Bearer ${token}` } : undefined;
  }
}
