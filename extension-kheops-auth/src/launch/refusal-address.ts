import { REFUSED_ROUTE, type TrustedIssuer } from '../config/types';
import type { KheopsAuthErrorCode } from '../errors';

/**
 * Where a refused launch's page moves to: the refusal route with the reason code and, when the launch
 * named a trusted issuer, that issuer's identifier. Both are keys the viewer looks up in its own lists
 * (the reason codes, kheopsAuth.issuers), so a reload shows the same refusal and nothing the launch
 * wrote is ever shown or followed.
 */
export function refusalAddress(code: KheopsAuthErrorCode, issuer?: Pick<TrustedIssuer, 'issuer'>): string {
  const query = new URLSearchParams({ code });
  if (issuer) query.set('issuer', issuer.issuer);
  return `${REFUSED_ROUTE}?${query.toString()}`;
}

/** The configured issuer a URL parameter names exactly, or none. */
export function configuredIssuer(raw: string | null | undefined, issuers: readonly TrustedIssuer[]): TrustedIssuer | undefined {
  return raw ? issuers.find(candidate => candidate.issuer === raw) : undefined;
}

/** The trusted issuer a third-party login's `iss` names, read again for a refusal of that launch. */
export function launchIssuer(search: string, issuers: readonly TrustedIssuer[]): TrustedIssuer | undefined {
  return configuredIssuer(new URLSearchParams(search).get('iss'), issuers);
}

/** What a refusal address holds, unchecked: the route checks both against its own lists. */
export function readRefusalAddress(search: string): { code: string | null; issuer: string | null } {
  const query = new URLSearchParams(search);
  return { code: query.get('code'), issuer: query.get('issuer') };
}
