// KHEOPS's viewer tokens come out of its token endpoint: the KHEOPS web UI exchanges the signed-in
// user's access token at POST /api/token (RFC 8693 token exchange, `scope=viewer read[ write]`,
// `studyUID=...`) for a study-scoped token that lasts 5 h. This registers that grant on the
// stand-in's oidc-provider, for the KHEOPS UI's client only (provider.ts: its grant_types).
import './expected-warnings.js';
import type { JWK } from 'jose';
import type Provider from 'oidc-provider';
import { errors, type TokenEndpointGrantContext } from 'oidc-provider';

import { findDemoUser } from './accounts.js';
import { checkAccessToken, type TokenVerifier } from './access-token.js';
import { mintStudyToken, VIEWER_TOKEN_TTL } from './legacy-launches.js';
import type { RuntimeSettings } from './settings.js';
import {
  ACCESS_TOKEN_TYPE,
  checkScopesAllowed,
  isRefusal,
  parseViewerTokenRequest,
  TOKEN_EXCHANGE_GRANT_TYPE,
  TOKEN_EXCHANGE_PARAMETERS,
  type ExchangeRefusal,
  type TokenExchangeParameters,
} from './token-exchange-request.js';

export interface TokenExchangeContext {
  issuer: string;
  dicomWebRoot: string;
  signingJwk: JWK;
  /** The gateway's verifier: signature, issuer, audience, expiry and revocation are checked as the gateway checks them. */
  verifier: TokenVerifier;
  settings: RuntimeSettings;
}

export function registerViewerTokenExchange(provider: Provider, context: TokenExchangeContext): void {
  provider.registerGrantType<TokenExchangeParameters>(TOKEN_EXCHANGE_GRANT_TYPE, (ctx) => exchangeForViewerToken(context, ctx), TOKEN_EXCHANGE_PARAMETERS);
  leaveOutOfDiscovery(provider);
}

async function exchangeForViewerToken(context: TokenExchangeContext, ctx: TokenEndpointGrantContext<TokenExchangeParameters>): Promise<void> {
  const request = parseViewerTokenRequest(ctx.oidc.params);
  if (isRefusal(request)) refuse(request);

  const subject = await verifySubjectToken(context.verifier, request.subjectToken);
  if (isRefusal(subject)) refuse(subject);
  const notAllowed = checkScopesAllowed(request.scopes, subject.scopes, context.settings.readOnlyUsers.has(subject.userId));
  if (notAllowed) refuse(notAllowed);

  const { token, jti } = await mintStudyToken(context, {
    sub: subject.userId,
    studyUid: request.studyUid,
    scopes: request.scopes,
    ttlSeconds: VIEWER_TOKEN_TTL,
    clientId: ctx.oidc.client.clientId,
  });
  // As on KHEOPS, a viewer token lives only as long as the user's access it was made from: revoking
  // the user (a revoked album, say) ends it too.
  const parentGrant = context.verifier.grants.grantOf(subject.tokenId);
  if (parentGrant) context.verifier.grants.recordAccessToken(jti, parentGrant, Math.floor(Date.now() / 1000) + VIEWER_TOKEN_TTL);
  // RFC 8693 §2.2.1; `scope` is left out because it is the one asked for (KHEOPS leaves it out too).
  ctx.body = { access_token: token, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: VIEWER_TOKEN_TTL };
}

async function verifySubjectToken(verifier: TokenVerifier, token: string): Promise<{ userId: string; scopes: Set<string>; tokenId: string } | ExchangeRefusal> {
  const check = await checkAccessToken(verifier, token, 'read');
  if (!check.ok) {
    if (check.error === 'insufficient_scope') return { error: 'invalid_scope', description: 'the subject token does not allow reading' };
    // The reasons name a claim or a state (expired, revoked), never the token.
    return { error: 'invalid_grant', description: `subject_token: ${check.reason}` };
  }
  // As KHEOPS: a viewer (or report-provider) token cannot buy another one, so a study-scoped token
  // can neither widen its study nor outlive its 5 h.
  if (check.studyUid !== undefined) return { error: 'invalid_grant', description: 'subject_token: a study-scoped token cannot be exchanged' };
  const user = findDemoUser(check.facts.sub);
  if (!user) return { error: 'invalid_grant', description: 'subject_token: unknown user' };
  return { userId: user.id, scopes: check.scopes, tokenId: check.facts.tokenId };
}

function refuse({ error, description }: ExchangeRefusal): never {
  throw new errors.CustomOIDCProviderError(error, description);
}

/**
 * The grant is the KHEOPS UI's own (a first-party client), not something the provider offers to
 * relying parties such as the viewer, and KHEOPS publishes no metadata about it; discovery's
 * grant_types_supported keeps listing what a viewer may use (the deployment check reads it).
 */
function leaveOutOfDiscovery(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      const body = ctx.body as { grant_types_supported?: string[] };
      body.grant_types_supported = body.grant_types_supported?.filter((grantType) => grantType !== TOKEN_EXCHANGE_GRANT_TYPE);
    }
  });
}
