import { responseIssuerProblem } from './response-issuer';

const ISSUER = 'https://glewlwyd.example.org/api/oidc';
const answer = (query: string) => new URLSearchParams(query);

describe('the RFC 9207 iss parameter at the redirect URI', () => {
  it('accepts the exact issuer, advertised or not (Glewlwyd sends it without saying so)', () => {
    expect(responseIssuerProblem(answer(`code=c&state=s&iss=${encodeURIComponent(ISSUER)}`), ISSUER, true)).toBeUndefined();
    expect(responseIssuerProblem(answer(`code=c&state=s&iss=${encodeURIComponent(ISSUER)}`), ISSUER, false)).toBeUndefined();
  });

  it('refuses another issuer whenever iss is present, on error responses too', () => {
    for (const advertised of [true, false]) {
      expect(responseIssuerProblem(answer('code=c&state=s&iss=https%3A%2F%2Fevil.example'), ISSUER, advertised)).toMatchObject({ code: 'issuer_mismatch' });
      expect(responseIssuerProblem(answer('error=access_denied&state=s&iss=https%3A%2F%2Fevil.example'), ISSUER, advertised)).toMatchObject({ code: 'issuer_mismatch' });
    }
    // No normalisation: a trailing slash is another issuer.
    expect(responseIssuerProblem(answer(`code=c&iss=${encodeURIComponent(`${ISSUER}/`)}`), ISSUER, false)).toMatchObject({ code: 'issuer_mismatch' });
  });

  it('requires iss when discovery advertises it, and not otherwise (Keycloak 16 sends none)', () => {
    expect(responseIssuerProblem(answer('code=c&state=s'), ISSUER, true)?.message).toBe(
      `The sign-in response names no issuer, though ${ISSUER} announces that its responses do (RFC 9207).`,
    );
    expect(responseIssuerProblem(answer('code=c&state=s'), ISSUER, false)).toBeUndefined();
  });
});
