import type { KheopsAuthConfig, LaunchKind, TrustedIssuer } from '../config/types';
import { refuse, type Refusal } from './types';
import { isUid, MAX_UID_LENGTH } from './dicom-uid';

/**
 * The two launches released KHEOPS uses today, both with a token in the URL that cannot be renewed:
 *
 * - viewer link: `<viewer>?url=<API>/api/link/<token>/ohifservermetadata&studyInstanceUIDs=<uid>[&seriesInstanceUIDs=<uid>]`
 * - report provider (implicit): `<redirect_uri>#access_token=..&token_type=bearer&expires_in=..&scope=..&client_id=..
 *   &conf_uri=<API>/api/.well-known/report-provider-configuration&return_uri=..&studyUID=..`
 *
 * Pure parsing and checking: nothing here touches the browser or the network. No message ever
 * contains the token or a URL that contains it.
 */

/** RFC 6750 b64token, bounded: no whitespace, nothing a URL or header could be confused by. */
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/**
 * The token as it stands in a viewer link's path, undecoded. KHEOPS's tokens (JWTs, capability tokens)
 * need no percent-encoding there; an encoded character (an encoded slash or dot segment) is an attempt
 * to make the path look like a link to these checks and mean something else to a server.
 */
const LINK_TOKEN_SEGMENT = /^[A-Za-z0-9\-._~+]+=*$/;
export const MIN_TOKEN_LENGTH = 16;
export const MAX_TOKEN_LENGTH = 8192;
/** A launch never needs more studies than this; more is a mistake or hostile. */
const MAX_STUDIES = 32;
/** Longer than any report-provider token lifetime KHEOPS issues (1 h), with room; longer is refused. */
export const MAX_EXPIRES_IN_SECONDS = 24 * 3600;

export const VIEWER_LINK_SUFFIX = '/ohifservermetadata';
export const REPORT_PROVIDER_CONFIGURATION_PATH = '/.well-known/report-provider-configuration';

/** A token KHEOPS put in the launch URL, with the trusted issuer entry whose DICOMweb root it is for. */
export interface StaticLaunchToken {
  issuer: TrustedIssuer;
  accessToken: string;
  /** Granted scopes (`read`, `write`). */
  scopes: string[];
  /** Seconds the token is valid from now, when the launch says so (viewer links do not). */
  expiresIn: number | undefined;
  /** The person, when the token says so (a JWT's unverified `sub`): for display and per-user local state only. */
  subject?: string | undefined;
}

export interface ViewerLinkLaunch extends StaticLaunchToken {
  kind: 'viewer-link';
  studyUids: string[];
  /** The clicked series (KHEOPS's `seriesInstanceUIDs`): shown first, not a filter. */
  seriesUid: string | undefined;
}

export interface ReportProviderLaunch extends StaticLaunchToken {
  kind: 'report-provider';
  studyUids: string[];
  /** Where "Return to KHEOPS" goes; only kept when on the trusted root's origin. */
  returnUri: string | undefined;
  /** The report-provider configuration document, on the trusted root (no token needed to read it). */
  confUri: string;
  clientId: string | undefined;
}

export type LegacyLaunch = ViewerLinkLaunch | ReportProviderLaunch;

/** What the page URL looked like when the extension took it: the raw strings, before they were scrubbed. */
export interface CapturedLocation {
  pathname: string;
  search: string;
  hash: string;
}

export function isTokenShaped(value: string): boolean {
  // A run of dots or dashes matches the character set but is no token (and `..` is a path segment).
  return value.length >= MIN_TOKEN_LENGTH && value.length <= MAX_TOKEN_LENGTH && TOKEN.test(value) && /[A-Za-z0-9]/.test(value);
}

/** Which legacy launch, if any, a page URL carries. Decided on parameter names only. */
export function detectLegacyLaunch(location: CapturedLocation): 'viewer-link' | 'report-provider' | 'ohif-token' | undefined {
  // OHIF's mode route takes `?token=` (any case) as the bearer token for every request, replacing the
  // session's: a link could make the viewer work as someone else. Never let it reach OHIF.
  if ([...new URLSearchParams(location.search).keys()].some(key => key.toLowerCase() === 'token')) return 'ohif-token';
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (fragment.has('access_token') || fragment.has('conf_uri')) return 'report-provider';
  const query = new URLSearchParams(location.search);
  if (query.has('url')) return 'viewer-link';
  // A token in the query where a fragment was expected is still a token in a URL: take it and refuse it.
  if (query.has('access_token') || query.has('conf_uri')) return 'report-provider';
  return undefined;
}

function firstParam(params: URLSearchParams, names: string[]): string[] {
  for (const name of names) {
    const values = params.getAll(name);
    if (values.length > 0) return values;
  }
  return [];
}

function studyList(values: string[], what: string): { ok: true; uids: string[] } | { ok: false; refusal: Refusal } {
  const uids = values.flatMap(value => value.split(',')).map(value => value.trim());
  if (uids.length === 0 || (uids.length === 1 && uids[0] === '')) {
    return { ok: false, refusal: refuse('invalid_uid', `The launch names no study (${what} is missing).`) };
  }
  if (uids.length > MAX_STUDIES) return { ok: false, refusal: refuse('invalid_uid', `The launch names more than ${MAX_STUDIES} studies.`) };
  const bad = uids.find(uid => !isUid(uid));
  if (bad !== undefined) {
    return { ok: false, refusal: refuse('invalid_uid', `${what} is not a DICOM UID (digits and dots, at most ${MAX_UID_LENGTH} characters).`) };
  }
  return { ok: true, uids: [...new Set(uids)] };
}

/** An absolute http(s) URL without credentials, or undefined. */
function parseHttpUrl(raw: string): URL | undefined {
  if (raw.length > MAX_TOKEN_LENGTH + 1024 || /\s|\\/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return undefined;
  return url;
}

/**
 * The trusted issuer entry whose DICOMweb root `url` starts with, compared on origin and path
 * segments (a lookalike host or `/api-evil` is no match), or a refusal saying why not.
 */
function issuerForUrl(
  config: KheopsAuthConfig,
  url: URL,
  kind: LaunchKind,
  what: string,
): { ok: true; issuer: TrustedIssuer; rest: string } | { ok: false; refusal: Refusal } {
  const candidates = config.issuers.filter(issuer => {
    const root = new URL(issuer.dicomWebRoot);
    const rootPath = root.pathname.replace(/\/+$/, '');
    return root.origin === url.origin && url.pathname.startsWith(`${rootPath}/`);
  });
  if (candidates.length === 0) {
    return { ok: false, refusal: refuse('untrusted_root', `${what} points at ${url.origin}, which is not a KHEOPS this viewer trusts.`) };
  }
  const issuer = candidates.find(candidate => candidate.launches.includes(kind));
  if (!issuer) {
    return {
      ok: false,
      refusal: refuse('launch_not_enabled', `${candidates[0]?.displayName ?? 'This KHEOPS'} may not open the viewer this way (a ${kind} launch); the viewer's configuration does not allow it.`),
    };
  }
  const rootPath = new URL(issuer.dicomWebRoot).pathname.replace(/\/+$/, '');
  return { ok: true, issuer, rest: url.pathname.slice(rootPath.length) };
}

/** Parses a viewer-link launch (the page's query string); see the module comment. */
export function parseViewerLink(search: string, config: KheopsAuthConfig, nowSeconds = Math.floor(Date.now() / 1000)): ViewerLinkLaunch | Refusal {
  const query = new URLSearchParams(search);
  const urls = query.getAll('url');
  if (urls.length !== 1 || !urls[0]) return refuse('invalid_link', 'The link must carry exactly one "url" parameter.');
  const url = parseHttpUrl(urls[0]);
  if (!url) return refuse('invalid_link', 'The link\'s "url" is not an absolute http(s) address.');
  const found = issuerForUrl(config, url, 'viewer-link', 'The link');
  if (!found.ok) return found.refusal;
  if (url.search || url.hash) return refuse('invalid_link', 'The link\'s "url" must not have a query or a fragment.');
  // <root>/link/<token>/ohifservermetadata, nothing else.
  const match = /^\/link\/([^/]+)\/ohifservermetadata$/.exec(found.rest);
  if (!match) return refuse('invalid_link', `The link's "url" is not a KHEOPS viewer link (<API>/link/<token>${VIEWER_LINK_SUFFIX}).`);
  const token = match[1] ?? '';
  if (!LINK_TOKEN_SEGMENT.test(token)) return refuse('invalid_token', 'The link\'s token is not well formed (encoded or unexpected characters).');
  if (!isTokenShaped(token)) return refuse('invalid_token', 'The link\'s token is not well formed (length or characters).');
  const studies = studyList(firstParam(query, ['studyInstanceUIDs', 'StudyInstanceUIDs']), 'studyInstanceUIDs');
  if (!studies.ok) return studies.refusal;
  const seriesValues = firstParam(query, ['seriesInstanceUIDs', 'SeriesInstanceUIDs']).flatMap(value => value.split(','));
  const seriesUid = seriesValues[0]?.trim();
  if (seriesValues.length > 1 || (seriesUid !== undefined && !isUid(seriesUid))) {
    return refuse('invalid_uid', 'seriesInstanceUIDs must be one DICOM UID (digits and dots, at most 64 characters).');
  }
  // The link does not say what the token may do or for how long; a JWT's own claims do (read, not
  // trusted: the server decides). Otherwise saving is offered and the server refuses it if it must.
  const hints = jwtHints(token, nowSeconds);
  return {
    kind: 'viewer-link',
    issuer: found.issuer,
    accessToken: token,
    scopes: hints.scopes ?? ['read', 'write'],
    expiresIn: hints.expiresIn,
    subject: hints.subject,
    studyUids: studies.uids,
    seriesUid: seriesUid || undefined,
  };
}

/**
 * Unverified `scope` and `exp` of a JWT, only to tell the person what the session allows and how long
 * it lasts; the DICOMweb server checks the token itself. Nothing for an opaque token.
 */
export function jwtHints(token: string, nowSeconds: number): { scopes?: string[]; expiresIn?: number; subject?: string } {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return {};
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { scope?: unknown; exp?: unknown; sub?: unknown };
    const hints: { scopes?: string[]; expiresIn?: number; subject?: string } = {};
    if (typeof claims.sub === 'string' && claims.sub.length <= 255) hints.subject = claims.sub;
    if (typeof claims.scope === 'string') hints.scopes = claims.scope.split(' ').filter(Boolean);
    if (typeof claims.exp === 'number' && claims.exp > nowSeconds) hints.expiresIn = Math.min(Math.floor(claims.exp - nowSeconds), MAX_EXPIRES_IN_SECONDS);
    return hints;
  } catch {
    return {};
  }
}

/** A `return_uri` is kept only when it is an http(s) URL on the trusted root's origin. */
export function checkReturnUri(raw: string | null, issuer: TrustedIssuer): string | undefined {
  if (!raw) return undefined;
  const url = parseHttpUrl(raw);
  if (!url || url.origin !== new URL(issuer.dicomWebRoot).origin) return undefined;
  return url.href;
}

/** Parameters of the implicit-flow fragment that KHEOPS gives once; `studyUID` may repeat. */
const SINGLE_VALUED_REPORT_PARAMETERS = ['token_type', 'expires_in', 'scope', 'client_id', 'return_uri'] as const;

/**
 * Parses a report-provider launch (implicit flow: the page's fragment). A token found in the query
 * instead is refused (and has been scrubbed all the same).
 */
export function parseReportProviderLaunch(
  location: CapturedLocation,
  config: KheopsAuthConfig,
  nowSeconds = Math.floor(Date.now() / 1000),
): ReportProviderLaunch | Refusal {
  const query = new URLSearchParams(location.search);
  if (query.has('access_token')) {
    return refuse('invalid_link', 'The report-provider launch put the access token in the query string; it is only accepted in the fragment.');
  }
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const confUris = params.getAll('conf_uri');
  if (confUris.length !== 1 || !confUris[0]) return refuse('invalid_link', 'The report-provider launch must carry exactly one conf_uri.');
  const confUrl = parseHttpUrl(confUris[0]);
  if (!confUrl) return refuse('invalid_link', 'The report-provider launch\'s conf_uri is not an absolute http(s) address.');
  const found = issuerForUrl(config, confUrl, 'report-provider', 'conf_uri');
  if (!found.ok) return found.refusal;
  if (found.rest !== REPORT_PROVIDER_CONFIGURATION_PATH || confUrl.search || confUrl.hash) {
    return refuse('invalid_link', `conf_uri must be <API>${REPORT_PROVIDER_CONFIGURATION_PATH} on the trusted KHEOPS.`);
  }
  // Given twice, a parameter means whatever the reader picks; none of these has a second meaning.
  const repeated = SINGLE_VALUED_REPORT_PARAMETERS.find(name => params.getAll(name).length > 1);
  if (repeated) return refuse('invalid_link', `The report-provider launch gives ${repeated} more than once.`);
  const tokens = params.getAll('access_token');
  if (tokens.length !== 1 || !isTokenShaped(tokens[0] ?? '')) return refuse('invalid_token', 'The report-provider launch carries no well-formed access token.');
  const accessToken = tokens[0] as string;
  // RFC 6749 §4.2.2: token_type is required, and a token of another type is not a bearer token to send as one.
  const tokenType = params.get('token_type');
  if (tokenType === null || tokenType.toLowerCase() !== 'bearer') return refuse('invalid_token', 'The report-provider launch\'s token_type is not "bearer".');
  const hints = jwtHints(accessToken, nowSeconds);
  const expiresRaw = params.get('expires_in');
  let expiresIn: number | undefined;
  if (expiresRaw !== null) {
    expiresIn = /^[0-9]{1,6}$/.test(expiresRaw) ? Number(expiresRaw) : Number.NaN;
    if (!Number.isSafeInteger(expiresIn) || expiresIn <= 0 || expiresIn > MAX_EXPIRES_IN_SECONDS) {
      return refuse('invalid_token', `The report-provider launch's expires_in must be a whole number of seconds between 1 and ${MAX_EXPIRES_IN_SECONDS}.`);
    }
  } else {
    // KHEOPS always says how long the token lasts. Without it the viewer could only guess, and a wrong
    // guess either ends a working session early or tells the clinician there is time to save when
    // there is not; a JWT's own expiry will do, anything else is refused.
    expiresIn = hints.expiresIn;
    if (expiresIn === undefined) return refuse('invalid_token', 'The report-provider launch does not say how long its token lasts (expires_in is missing).');
  }
  const scopes = (params.get('scope') ?? 'read').split(/\s+/).filter(Boolean);
  const studies = studyList(params.getAll('studyUID'), 'studyUID');
  if (!studies.ok) return studies.refusal;
  return {
    kind: 'report-provider',
    issuer: found.issuer,
    accessToken,
    scopes,
    expiresIn,
    studyUids: studies.uids,
    returnUri: checkReturnUri(params.get('return_uri'), found.issuer),
    confUri: confUrl.href,
    clientId: params.get('client_id') ?? undefined,
    subject: hints.subject,
  };
}

/**
 * Checks the report-provider configuration document KHEOPS serves at conf_uri: its
 * `dicomweb_endpoint` must be the trusted DICOMweb root, or the token would be for another server.
 */
export function checkReportProviderConfiguration(document: unknown, issuer: TrustedIssuer): Refusal | undefined {
  const endpoint = (document as { dicomweb_endpoint?: unknown } | null)?.dicomweb_endpoint;
  if (typeof endpoint !== 'string') {
    return refuse('invalid_report_configuration', `${issuer.displayName}'s report-provider configuration names no dicomweb_endpoint.`);
  }
  if (endpoint.replace(/\/+$/, '') !== issuer.dicomWebRoot) {
    return refuse('untrusted_root', `${issuer.displayName}'s report-provider configuration names a DICOMweb server this viewer does not trust for it.`);
  }
  return undefined;
}

/** Where the viewer opens a legacy launch: the mode route with the study and the clicked series. */
export function legacyLaunchTarget(config: KheopsAuthConfig, studyUids: string[], seriesUid: string | undefined): string {
  const base = config.allowedTargetPaths.find(path => path !== '/') ?? '/kheops';
  const query = new URLSearchParams();
  query.set('StudyInstanceUIDs', studyUids.join(','));
  if (seriesUid) query.set('initialSeriesInstanceUID', seriesUid);
  return `${base}?${query.toString()}`;
}
