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
