import type { KheopsAuthErrorCode } from '../errors';
import type { TrustedIssuer } from '../config/types';

/** A validated third-party initiated login (OIDC Core §4). */
export interface OidcLaunch {
  kind: 'oidc';
  issuer: TrustedIssuer;
  loginHint: string | undefined;
  /** Path and query on the viewer's own origin, e.g. `/kheops?StudyInstanceUIDs=...`. */
  target: string;
}

/** Why a launch was turned away; `message` is safe to show as text (it never echoes a token). */
export interface Refusal {
  kind: 'refusal';
  code: KheopsAuthErrorCode;
  message: string;
}

export type LaunchResult = OidcLaunch | Refusal;

export function refuse(code: KheopsAuthErrorCode, message: string): Refusal {
  return { kind: 'refusal', code, message };
}

/**
 * A token KHEOPS handed over in a launch URL (viewer link, report provider). There is no refresh
 * token and no way to get another one from the viewer: it is used as it is until it expires, and
 * then the session has ended for good ("Open the study again from KHEOPS").
 */
export interface StaticToken {
  accessToken: string;
  /** Epoch seconds; undefined when KHEOPS does not keep an end for it (a viewer link). */
  expiresAt?: number | undefined;
  scopes: string[];
  /** Who it belongs to, when known (a viewer link does not say). */
  subject?: string | undefined;
  /** Whether the end is `known` (introspection, `expires_in`) or `unknown` (a viewer link); `known` when absent. */
  end?: 'known' | 'unknown' | undefined;
  /** When the launch handed it over (epoch ms), so a reload still knows the token's age. */
  receivedAt?: number | undefined;
  /** The validated "Return to KHEOPS" address a report-provider launch gave; kept with the token so a reload keeps it. */
  returnUri?: string | undefined;
}

