// The KHEOPS web UI's part of a viewer-link launch. KHEOPS's UI holds the signed-in user's access
// token; when the user opens a study in a viewer, it exchanges that token at POST /api/token
// (RFC 8693, token-exchange.ts) for a study-scoped viewer token and puts it in the viewer link.
//
// The stand-in's study page has no sign-in of its own: its `?user=` stands for whoever is signed in
// to KHEOPS. So the user's access token is issued here, by the provider's own models, as a grant of
// the `kheops-ui` client (the same JWT access token a sign-in would give, tracked for revocation like
// any other), and the exchange is a real HTTP request to the provider's token endpoint.
import type Provider from 'oidc-provider';

import { HttpError } from './http-utils.js';
import { dicomWebResourceServer, KHEOPS_UI_CLIENT_ID } from './provider.js';
import type { RuntimeSettings } from './settings.js';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from './token-exchange-request.js';

export interface KheopsUiContext {
  provider: Provider;
  dicomWebRoot: string;
  /** <issuer>/token */
  tokenEndpoint: string;
  settings: RuntimeSettings;
}

/** Marks the user's token as coming from the KHEOPS UI's session, not from a grant of the token endpoint. */
const SIGNED_IN_TO_KHEOPS = 'kheops_ui_session';

/** The access token KHEOPS's UI would hold for the signed-in user: all their studies, their rights. */
export async function signedInUserAccessToken(context: KheopsUiContext, userId: string): Promise<string> {
  const { provider, dicomWebRoot, settings } = context;
  const client = await provider.Client.find(KHEOPS_UI_CLIENT_ID);
  if (!client) throw new Error(`the ${KHEOPS_UI_CLIENT_ID} client is not registered`);
  const scope = userScopes(settings, userId).join(' ');
  // A grant per token, recorded like the viewer's (revocations.ts), so revoking the user revokes it.
  const grant = new provider.Grant({ accountId: userId, clientId: client.clientId });
  grant.addResourceScope(dicomWebRoot, scope);
  const grantId = await grant.save();
  const token = new provider.AccessToken({
    client,
    accountId: userId,
    grantId,
    gty: SIGNED_IN_TO_KHEOPS,
    scope,
    resourceServer: new provider.ResourceServer(dicomWebRoot, dicomWebResourceServer(dicomWebRoot, settings)),
  });
  return token.save();
}

/** What KHEOPS's UI asks for: `write` only when the user may add to the study. */
export function viewerScopeFor(settings: RuntimeSettings, userId: string): string {
  return ['viewer', ...userScopes(settings, userId)].join(' ');
}

export interface ExchangedToken {
  accessToken: string;
  expiresIn: number;
}

/** The RFC 8693 request KHEOPS's UI sends; any refusal is reported by its error code only. */
export async function exchangeForViewerToken(context: KheopsUiContext, userAccessToken: string, studyUid: string, scope: string): Promise<ExchangedToken> {
  const response = await fetch(context.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      client_id: KHEOPS_UI_CLIENT_ID,
      subject_token: userAccessToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      scope,
      studyUID: studyUid,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
  if (!response.ok || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
    const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    throw new HttpError(502, `the KHEOPS token endpoint gave no viewer token (${error})`);
  }
  return { accessToken: body.access_token, expiresIn: body.expires_in };
}

/** A viewer token for the signed-in user and one study, the way KHEOPS's UI gets it. */
export async function viewerTokenFor(context: KheopsUiContext, userId: string, studyUid: string): Promise<string> {
  const userToken = await signedInUserAccessToken(context, userId);
  const { accessToken } = await exchangeForViewerToken(context, userToken, studyUid, viewerScopeFor(context.settings, userId));
  return accessToken;
}

function userScopes(settings: RuntimeSettings, userId: string): string[] {
  return settings.readOnlyUsers.has(userId) ? ['read'] : ['read', 'write'];
}
