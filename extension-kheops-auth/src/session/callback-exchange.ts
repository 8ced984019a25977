import type { User } from 'oidc-client-ts';
import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import { KheopsAuthError } from '../errors';
import { stateStore, type BrowserEnvironment } from './issuer-client';
import type { IssuerClients } from './issuer-clients';
import { responseIssuerProblem } from './response-issuer';
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
    const client = this.clients.of(issuer);
    const issuerProblem = responseIssuerProblem(url.searchParams, issuer.issuer, await client.announcesResponseIssuer().catch(() => false));
    if (issuerProblem) {
      await stateStore(this.environment).remove(stateId);
      throw issuerProblem;
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
      user = await client.completeSignIn(callbackUrl);
    } catch (cause) {
      throw codeRefusal(issuer, cause) ?? new KheopsAuthError('sign_in_failed', `The sign-in with ${issuer.displayName} could not be completed: ${(cause as Error).message}`);
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

/**
 * The provider refused the code itself: already used (the sign-in page reloaded, the callback
 * replayed), expired, or exchanged without this tab's PKCE verifier. RFC 6749 says `invalid_grant`;
 * Glewlwyd answers 403 `invalid_code`.
 */
function codeRefusal(issuer: TrustedIssuer, cause: unknown): KheopsAuthError | undefined {
  const code = (cause as { error?: unknown } | null)?.error;
  if (code !== 'invalid_grant' && code !== 'invalid_code') return undefined;
  return new KheopsAuthError(
    'sign_in_failed',
    `${issuer.displayName} did not accept this sign-in (${code}): the sign-in code was already used or has expired.`,
    'Open the study again from KHEOPS.',
  );
}
