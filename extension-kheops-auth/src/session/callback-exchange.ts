import type { User } from 'oidc-client-ts';
import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import { KheopsAuthError } from '../errors';
import { stateStore, type BrowserEnvironment } from './issuer-client';
import type { IssuerClients } from './issuer-clients';
import { checkTokens } from './token-checks';

/**
 * The provider's answer at the redirect URI (tab or popup), turned into checked tokens. The issuer is
 * found from the state this tab stored (the URL alone is not trusted); an RFC 9207 `iss` that names
 * another issuer and an `error=` answer are refused before any code is presented; the ID token's
 * `iss` and `aud` are checked after the exchange, which oidc-client-ts does not do.
 */
export class CallbackExchange {
  constructor(
    private readonly config: KheopsAuthConfig,
    private readonly environment: BrowserEnvironment,
    private readonly clients: IssuerClients,
  ) {}

  async exchange(callbackUrl: string): Promise<{ issuer: TrustedIssuer; user: User }> {
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
      user = await this.clients.of(issuer).completeSignIn(callbackUrl);
    } catch (cause) {
      throw new KheopsAuthError('sign_in_failed', `The sign-in with ${issuer.displayName} could not be completed: ${(cause as Error).message}`);
    }
    checkTokens(user, issuer);
    return { issuer, user };
  }

  /** What this tab stored with the sign-in the response answers (its `data`), without consuming it. */
  async storedData(callbackUrl: string): Promise<unknown> {
    const stateId = new URL(callbackUrl).searchParams.get('state');
    const stored = stateId ? await stateStore(this.environment).get(stateId) : null;
    if (!stored) return undefined;
    try {
      return (JSON.parse(stored) as { data?: unknown }).data;
    } catch {
      return undefined;
    }
  }

  /** Drops the stored state of an answer that will not be exchanged (a declined silent sign-in). */
  async discard(callbackUrl: string): Promise<void> {
    const stateId = new URL(callbackUrl).searchParams.get('state');
    if (stateId) await stateStore(this.environment).remove(stateId);
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
}
