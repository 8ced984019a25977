import { KheopsAuthError } from '../errors';
import { checkUpgradeThrough } from './upgrade-through';
import { APP_CONFIG_KEY } from '../id';
import { isReservedPath, isUnderPath } from './paths';
import {
  DEFAULT_ALLOWED_TARGET_PATHS,
  DEFAULT_ROUTES,
  DEFAULT_SCOPE,
  extensionRoutes,
  DEFAULT_LAUNCHES,
  DEFAULT_SAVE_PERMISSION,
  LAUNCH_KINDS,
  type SavePermission,
  type KheopsAuthConfig,
  type LaunchKind,
  type TrustedIssuer,
} from './types';

/** One wrong key: its path as a deployer would write it, and what is wrong with it. */
export interface ConfigProblem {
  key: string;
  message: string;
}

export type ValidationResult =
  | { ok: true; config: KheopsAuthConfig }
  | { ok: false; problems: ConfigProblem[] };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Tokens and sign-in traffic must not travel in clear text, except on this machine
 * (local development and the stand-in).
 */
function checkSecureUrl(value: unknown, key: string, problems: ConfigProblem[]): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    problems.push({ key, message: 'is required and must be an absolute URL' });
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ key, message: `"${value}" is not an absolute URL` });
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    problems.push({ key, message: `"${value}" must use https (http is accepted only for localhost)` });
    return undefined;
  }
  if (url.username || url.password || url.search || url.hash) {
    problems.push({ key, message: `"${value}" must not contain credentials, a query or a fragment` });
    return undefined;
  }
  return value;
}

function checkPath(value: unknown, key: string, problems: ConfigProblem[]): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || /[\s\\?#]/.test(value)) {
    problems.push({ key, message: 'must be a path starting with a single "/" (no query, fragment, spaces or backslashes)' });
    return undefined;
  }
  return value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
}

function validateIssuer(input: unknown, index: number, problems: ConfigProblem[]): TrustedIssuer | undefined {
  const key = `issuers[${index}]`;
  if (!isRecord(input)) {
    problems.push({ key, message: 'must be an object with issuer, clientId and dicomWebRoot' });
    return undefined;
  }
  const before = problems.length;
  const issuer = checkSecureUrl(input.issuer, `${key}.issuer`, problems);
  const dicomWebRoot = checkSecureUrl(input.dicomWebRoot, `${key}.dicomWebRoot`, problems);
  if (typeof input.clientId !== 'string' || input.clientId.trim() === '') {
    problems.push({ key: `${key}.clientId`, message: 'is required: the viewer\'s client id at this provider' });
  }
  const scope = input.scope ?? DEFAULT_SCOPE;
  if (typeof scope !== 'string' || !scope.split(' ').includes('openid')) {
    problems.push({ key: `${key}.scope`, message: 'must be a space-separated string that includes "openid"' });
  }
  if (input.displayName !== undefined && typeof input.displayName !== 'string') {
    problems.push({ key: `${key}.displayName`, message: 'must be a string' });
  }
  const launches = checkLaunches(input.launches, `${key}.launches`, problems);
  const upgradeThrough = input.upgradeThrough === undefined ? undefined : checkSecureUrl(input.upgradeThrough, `${key}.upgradeThrough`, problems);
  const postLogoutRedirectUri = input.postLogoutRedirectUri === undefined ? undefined : checkSecureUrl(input.postLogoutRedirectUri, `${key}.postLogoutRedirectUri`, problems);
  const kheopsUrl = input.kheopsUrl === undefined ? undefined : checkSecureUrl(input.kheopsUrl, `${key}.kheopsUrl`, problems);
  const savePermission = checkSavePermission(input.savePermission, typeof scope === 'string' ? scope : '', `${key}.savePermission`, problems);
  if (problems.length > before || !issuer || !dicomWebRoot || !launches || !savePermission) {
    return undefined;
  }
  return {
    issuer,
    clientId: input.clientId as string,
    scope: scope as string,
    dicomWebRoot: dicomWebRoot.endsWith('/') ? dicomWebRoot.slice(0, -1) : dicomWebRoot,
    displayName: (input.displayName as string | undefined) ?? 'KHEOPS',
    launches,
    savePermission,
    ...(upgradeThrough ? { upgradeThrough } : {}),
    ...(postLogoutRedirectUri ? { postLogoutRedirectUri } : {}),
    ...(kheopsUrl ? { kheopsUrl } : {}),
  };
}

const SAVE_PERMISSION_FORMS = `"server-decides" or { scope: "write" }`;

/**
 * A scope rule names one scope the viewer asks for: one it never asks for is never granted, so
 * saving would be refused for everybody without a word from the server.
 */
function checkSavePermission(value: unknown, askedScope: string, key: string, problems: ConfigProblem[]): SavePermission | undefined {
  if (value === undefined) return DEFAULT_SAVE_PERMISSION;
  if (value === 'server-decides') return value;
  if (!isRecord(value)) {
    problems.push({ key, message: `must be ${SAVE_PERMISSION_FORMS}, got ${JSON.stringify(value)}` });
    return undefined;
  }
  const extra = Object.keys(value).filter(name => name !== 'scope');
  if (extra.length > 0) {
    problems.push({ key, message: `has unknown keys ${extra.map(name => `"${name}"`).join(', ')}; it must be ${SAVE_PERMISSION_FORMS}` });
    return undefined;
  }
  const { scope } = value;
  if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
    problems.push({ key: `${key}.scope`, message: 'must be one scope name, such as "write" (no spaces or quotes)' });
    return undefined;
  }
  if (askedScope && !askedScope.split(' ').includes(scope)) {
    problems.push({ key: `${key}.scope`, message: `"${scope}" is not among the scopes asked for ("${askedScope}"), so it is never granted and nobody could save; add it to scope or use "server-decides"` });
    return undefined;
  }
  return { scope };
}

function checkLaunches(value: unknown, key: string, problems: ConfigProblem[]): LaunchKind[] | undefined {
  if (value === undefined) return [...DEFAULT_LAUNCHES];
  const valid = Array.isArray(value) && value.length > 0 && value.every(kind => (LAUNCH_KINDS as readonly unknown[]).includes(kind));
  if (!valid || new Set(value).size !== value.length) {
    problems.push({ key, message: `must be a non-empty list without repeats of ${LAUNCH_KINDS.map(kind => `"${kind}"`).join(', ')}` });
    return undefined;
  }
  return [...(value as LaunchKind[])];
}

/**
 * Validates the extension's configuration up front and reports every wrong key at once,
 * so that a deployer fixes the file in one pass instead of one error per reload.
 */
export function validateConfig(input: unknown): ValidationResult {
  const problems: ConfigProblem[] = [];
  if (!isRecord(input)) {
    return {
      ok: false,
      problems: [{ key: APP_CONFIG_KEY, message: 'the kheopsAuth configuration is missing; it must be an object with an "issuers" list' }],
    };
  }
  const known = new Set(['issuers', 'routes', 'allowedTargetPaths', 'defaultTarget']);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) {
      problems.push({ key, message: `is not a known setting (known: ${[...known].join(', ')})` });
    }
  }

  const issuers: TrustedIssuer[] = [];
  const indexed: Array<{ index: number; issuer: TrustedIssuer }> = [];
  if (!Array.isArray(input.issuers) || input.issuers.length === 0) {
    problems.push({ key: 'issuers', message: 'must list at least one trusted issuer' });
  } else {
    const seen = new Set<string>();
    input.issuers.forEach((entry, index) => {
      const issuer = validateIssuer(entry, index, problems);
      if (!issuer) return;
      if (seen.has(issuer.issuer)) {
        problems.push({ key: `issuers[${index}].issuer`, message: `"${issuer.issuer}" is listed twice` });
        return;
      }
      seen.add(issuer.issuer);
      issuers.push(issuer);
      indexed.push({ index, issuer });
    });
    checkUpgradeThrough(indexed, problems);
  }

  const routesInput = input.routes ?? {};
  if (!isRecord(routesInput)) {
    problems.push({ key: 'routes', message: 'must be an object with login and callback paths' });
  }
  const routesRecord = isRecord(routesInput) ? routesInput : {};
  const login = checkPath(routesRecord.login ?? DEFAULT_ROUTES.login, 'routes.login', problems);
  const callback = checkPath(routesRecord.callback ?? DEFAULT_ROUTES.callback, 'routes.callback', problems);
  const popupCallback = checkPath(routesRecord.popupCallback ?? DEFAULT_ROUTES.popupCallback, 'routes.popupCallback', problems);

  const pathsInput = input.allowedTargetPaths ?? DEFAULT_ALLOWED_TARGET_PATHS;
  const allowedTargetPaths: string[] = [];
  if (!Array.isArray(pathsInput) || pathsInput.length === 0) {
    problems.push({ key: 'allowedTargetPaths', message: 'must be a non-empty list of paths such as ["/kheops"]' });
  } else {
    pathsInput.forEach((path, index) => {
      const checked = checkPath(path, `allowedTargetPaths[${index}]`, problems);
      if (checked) allowedTargetPaths.push(checked);
    });
  }
  const defaultTarget = checkPath(input.defaultTarget ?? allowedTargetPaths[0] ?? DEFAULT_ALLOWED_TARGET_PATHS[0], 'defaultTarget', problems);
  const reserved = login && callback && popupCallback ? extensionRoutes({ login, callback, popupCallback }) : [];
  // A launch never lands outside the allowed paths, nor at a sign-in route (which would start another sign-in).
  if (defaultTarget && allowedTargetPaths.length > 0 && !allowedTargetPaths.some(allowed => isUnderPath(defaultTarget, allowed))) {
    problems.push({ key: 'defaultTarget', message: `must be under one of allowedTargetPaths (${allowedTargetPaths.join(', ')})` });
  } else if (defaultTarget && isReservedPath(defaultTarget, reserved)) {
    problems.push({ key: 'defaultTarget', message: 'must not be one of the extension\'s own sign-in routes' });
  }

  if (problems.length > 0 || !login || !callback || !popupCallback || !defaultTarget) {
    return { ok: false, problems: problems.map(problem => ({ ...problem, key: qualify(problem.key) })) };
  }
  return { ok: true, config: { issuers, routes: { login, callback, popupCallback }, allowedTargetPaths, defaultTarget } };
}

function qualify(key: string): string {
  return `${APP_CONFIG_KEY}.${key}`;
}

/** One line per problem, each naming the exact key as it is written in app-config.js. */
export function formatProblems(problems: ConfigProblem[]): string {
  return problems.map(problem => `- ${problem.key} ${problem.message}`).join('\n');
}

/** Throws one error naming every wrong key; for callers that cannot go on without a configuration. */
export function requireValidConfig(input: unknown): KheopsAuthConfig {
  const result = validateConfig(input);
  if (!result.ok) {
    throw new KheopsAuthError(
      'configuration_invalid',
      `The viewer's KHEOPS configuration is invalid:\n${formatProblems(result.problems)}`,
      'An administrator must correct the kheopsAuth section of the viewer configuration (app-config.js).',
    );
  }
  return result.config;
}
