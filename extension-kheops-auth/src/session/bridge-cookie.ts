import type { StaticToken } from '../launch/types';
import { BRIDGE_COOKIE_SESSION } from './session-kind';
import { StaticTokenKeeper, type StaticTokenKeeperDeps } from './static-token';

/**
 * What DICOMweb requests carry instead of a token when the bridge holds it: a custom Authorization value,
 * which no cross-site form or link can send, so the bridge knows the request is the viewer's own (CSRF).
 */
export const BRIDGE_AUTHORIZATION = 'KheopsBridge';

/**
 * The keeper of a bridge session: like a static token (never renewed, ends at its known end, or when the
 * bridge answers 401), except that the token is in the bridge's HttpOnly cookie and never in this page.
 */
export class BridgeCookieKeeper extends StaticTokenKeeper {
  constructor(
    deps: StaticTokenKeeperDeps,
    token: Omit<StaticToken, 'accessToken'>,
    private readonly endSession: () => Promise<void>,
  ) {
    super(deps, { ...token, accessToken: BRIDGE_AUTHORIZATION }, BRIDGE_COOKIE_SESSION);
  }

  authorization(): string {
    return BRIDGE_AUTHORIZATION;
  }

  endRemotely(): Promise<void> {
    return this.endSession();
  }
}

/** The bridge's sign-out: it clears its cookie (same origin; the marker shows it is the viewer asking). */
export function bridgeSessionEnd(bridgeUrl: string): () => Promise<void> {
  return async () => {
    await window.fetch(`${bridgeUrl}/session/end`, { method: 'POST', credentials: 'same-origin', headers: { Authorization: BRIDGE_AUTHORIZATION }, cache: 'no-store' });
  };
}
