import { extensionRoutes, type KheopsAuthConfig } from '../config/types';
import { MAX_LOGIN_HINT_LENGTH, usableLoginHint } from './login-hint';
import { validateTarget } from './target';
import { refuse, type LaunchResult } from './types';

/**
 * Parses a third-party initiated login request (OpenID Connect Core §4): `iss` must match a
 * trusted issuer exactly, `login_hint` is passed on when it can be a user name, e-mail or opaque id
 * (dropped otherwise: login-hint.ts), `target_link_uri` is verified (target.ts).
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

  const rawHint = params.get('login_hint');
  if (rawHint !== null && rawHint.length > MAX_LOGIN_HINT_LENGTH) {
    return refuse('invalid_target', 'login_hint is too long.');
  }
  const loginHint = usableLoginHint(rawHint);

  const targets = params.getAll('target_link_uri');
  if (targets.length > 1) {
    return refuse('invalid_target', 'The launch has more than one target_link_uri.');
  }
  const rawTarget = targets[0];
  if (rawTarget === undefined || rawTarget === '') {
    return { kind: 'oidc', issuer, loginHint: loginHint || undefined, target: config.defaultTarget };
  }
  const checked = validateTarget(rawTarget, viewerOrigin, config.allowedTargetPaths, extensionRoutes(config.routes));
  if (!checked.ok) {
    return checked.refusal;
  }
  return { kind: 'oidc', issuer, loginHint: loginHint || undefined, target: checked.target };
}
