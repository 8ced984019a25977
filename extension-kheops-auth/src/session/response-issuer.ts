import { KheopsAuthError } from '../errors';

/**
 * The mix-up defence of RFC 9207 at the redirect URI, as §2.4 asks of a client: an `iss` parameter,
 * when present, must equal the issuer the sign-in was sent to, character for character; a provider
 * whose discovery says it sends `iss` (`authorization_response_iss_parameter_supported`) must send
 * it, so a response without one is refused. Providers that send `iss` without saying so (Glewlwyd)
 * are checked all the same; those that send none and do not say they would (Keycloak before 23, as
 * KHEOPS deploys it) are not refused for it. Applies to error responses as much as to codes.
 */
export function responseIssuerProblem(response: URLSearchParams, expectedIssuer: string, advertised: boolean): KheopsAuthError | undefined {
  const issuer = response.get('iss');
  if (issuer === null) {
    return advertised
      ? new KheopsAuthError('issuer_mismatch', `The sign-in response names no issuer, though ${expectedIssuer} announces that its responses do (RFC 9207).`)
      : undefined;
  }
  return issuer === expectedIssuer
    ? undefined
    : new KheopsAuthError('issuer_mismatch', `The sign-in response comes from ${issuer}, but the sign-in was sent to ${expectedIssuer}.`);
}
