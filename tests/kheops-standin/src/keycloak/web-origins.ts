// CORS as Keycloak answers it (services/cors/DefaultCors.java, platform-facts §8): the Origin is echoed
// (never `*`) with credentials allowed when it is one of the client's Web Origins; for any other origin
// there is no CORS header at all, but the request is still processed (a code sent from a foreign page
// is spent although that page cannot read the answer). Preflights are answered for any origin.
import type Provider from 'oidc-provider';

/** oidc-provider's own per-client CORS refuses a foreign origin outright; Keycloak processes it. */
export const processEveryOrigin = (): boolean => true;

export function webOriginHeaders(webOrigins: readonly string[], origin: string | undefined): Record<string, string> {
  if (!origin || !webOrigins.includes(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

/** Discovery and the JWKS are public at Keycloak too; everything else answers only the Web Origins. */
const PUBLIC_ROUTES = new Set(['discovery', 'jwks']);

export function answerCorsAsKeycloak(provider: Provider, webOrigins: readonly string[]): void {
  provider.use(async (ctx, next) => {
    await next();
    const origin = ctx.get('Origin');
    const route = ctx.oidc?.route;
    if (!origin || !route || PUBLIC_ROUTES.has(route)) return;
    if (ctx.method === 'OPTIONS') {
      if (ctx.response.get('Access-Control-Allow-Origin')) ctx.set('Access-Control-Allow-Credentials', 'true');
      return;
    }
    ctx.remove('Access-Control-Allow-Origin');
    ctx.remove('Access-Control-Expose-Headers');
    ctx.set(webOriginHeaders(webOrigins, origin));
  });
}
