import type { User } from 'oidc-client-ts';
import type { SessionHealth } from './token-keeper';

/**
 * What kind of session a keeper holds, as the rest of the viewer needs to know it: whether it can be
 * renewed, whether its end is known, whether signing out reaches the provider. Each keeper names its
 * kind; nobody asks which class it is. A new kind (a session a bridge holds in a cookie, a static
 * session upgraded to a renewable one) is a new entry here and a keeper that names it.
 */
export type SessionKind =
  /** OIDC code flow: renewed with the refresh token; when that fails, the person signs in again in a popup. */
  | { name: 'refresh-token'; renewable: true; end: 'renewed'; revocable: true }
  /** A token KHEOPS put in the launch URL whose lifetime the launch stated (report provider's `expires_in`). */
  | { name: 'static-token'; renewable: false; end: 'known'; revocable: false }
  /**
   * A token KHEOPS put in the launch URL whose end KHEOPS does not keep (a viewer link: its `exp` is
   * never checked, it dies with a report-provider token it was made from, or at a restart of KHEOPS):
   * shown as unknown, never as a countdown; it ends when the server refuses it.
   */
  | { name: 'static-token'; renewable: false; end: 'unknown'; revocable: false }
  /**
   * A released-KHEOPS launch upgraded through the realm (launch/launch-upgrade.ts): a code-flow session
   * like `refresh-token`, that keeps what the launch allowed (`scopes`) since a realm token carries no
   * KHEOPS scopes.
   */
  | { name: 'upgraded'; renewable: true; end: 'renewed'; revocable: true; scopes: string[] }
  /**
   * A report-provider code launch redeemed by the bridge (report-provider-bridge/), which keeps the token
   * in a sealed HttpOnly cookie: the viewer never holds it. Not renewable (KHEOPS renews nothing); its
   * real end is what the bridge's /session says.
   */
  | { name: 'bridge-cookie'; renewable: false; end: 'known'; revocable: false };

export const REFRESH_TOKEN_SESSION: SessionKind = { name: 'refresh-token', renewable: true, end: 'renewed', revocable: true };

export function upgradedSession(scopes: string[]): SessionKind {
  return { name: 'upgraded', renewable: true, end: 'renewed', revocable: true, scopes };
}

export const BRIDGE_COOKIE_SESSION: SessionKind = { name: 'bridge-cookie', renewable: false, end: 'known', revocable: false };

export function staticTokenSession(end: 'known' | 'unknown'): SessionKind {
  return { name: 'static-token', renewable: false, end, revocable: false };
}

/** What the session coordinator needs of whoever keeps its token, whatever the kind. */
export interface Keeper {
  readonly kind: SessionKind;
  current(): User;
  sessionHealth(): SessionHealth;
  isDue(): boolean;
  renew(): Promise<User>;
  renewOrWait(): Promise<User>;
  ensureFresh(): Promise<User>;
  start(): Promise<void>;
  stop(): void;
  /** Drops the session's shared record (if it has one) and returns the newest tokens it held. */
  forget(): Promise<User>;
  /** When the current token arrived (epoch ms); after a reload, as well as the keeper can tell. */
  tokensReceivedAt(): number;
  /** The launch's way back to KHEOPS, for a session that came with one. */
  readonly returnUri?: string | undefined;
  /** The Authorization value DICOMweb requests carry, when it is not `Bearer <access token>` (the bridge's marker). */
  authorization?(): string;
  /** Ends the session where it is kept, for a kind that is not revoked at a provider (the bridge's cookie). */
  endRemotely?(): Promise<void>;
}
