import type { KheopsAuthConfig } from '../config/types';
import { validateTarget } from './target';
import { refuse, type LaunchResult } from './types';

/** Parameters larger than this are not a login hint but an attack on whatever displays it. */
const MAX_LOGIN_HINT_LENGTH = 2048;

/**
 * Parses a third-party initiated login request (OpenID Connect Core §4): `iss` must match a
 * trusted issuer exactly, `login_hint` is passed on, `target_link_uri` is verified.
 * Unknown parameters are ignored, as the specification requires.
 */
export function parseThirdPartyLogin(
  params: URLSearchParams,
  config: KheopsAuthConfig,
  viewerOrigin: string,
): LaunchResult {
  const issuers = params.getAll('iss');
  if (issuers.length === 0 || issuers[0] === '') {
    return refuse('missing_issuer', 'The launch did not say which KHEOPS sent it (the iss parameter is missing).');
  }
  if (issuers.length > 1) {
    return refuse('unknown_issuer', 'The launch names more than one issuer (iss).');
  }
  const iss = issuers[0] as string;
  const issuer = config.issuers.find(candidate => candidate.issuer === iss);
  if (!issuer) {
    return refuse('unknown_issuer', `The launch comes from ${JSON.stringify(iss.slice(0, 200))}, which this viewer does not trust.`);
  }

  const loginHint = params.get('login_hint') ?? undefined;
  if (loginHint !== undefined && loginHint.length > MAX_LOGIN_HINT_LENGTH) {
    return refuse('invalid_target', 'login_hint is too long.');
  }

  const targets = params.getAll('target_link_uri');
  if (targets.length > 1) {
    return refuse('invalid_target', 'The launch has more than one target_link_uri.');
  }
  const rawTarget = targets[0];
  if (rawTarget === undefined || rawTarget === '') {
    return { kind: 'oidc', issuer, loginHint: loginHint || undefined, target: config.defaultTarget };
  }
  const checked = validateTarget(rawTarget, viewerOrigin, config.allowedTargetPaths);
  if (!checked.ok) {
    return checked.refusal;
  }
  return { kind: 'oidc', issuer, loginHint: loginHint || undefined, target: checked.target };
}
