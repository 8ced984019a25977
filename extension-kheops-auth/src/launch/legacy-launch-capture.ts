import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import { detectLegacyLaunch, type CapturedLocation, type LegacyLaunch } from './legacy-launch';
import type { Refusal, StaticToken } from './types';
import { decideUpgradeAttempt, reportProviderEvidence, viewerLinkEvidence, type IdentityEvidence, type KeptLaunch } from './launch-upgrade';
import { refusalAddress } from './refusal-address';
import { introspectionEndpoint, readIntrospection } from './report-introspection';


export interface LegacyLaunchBrowser {
  location: CapturedLocation;
  replaceState(url: string): void;
  fetch(url: string): Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;
  /** A form POST without credentials (RFC 7662 introspection). */
  post(url: string, form: URLSearchParams): Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;
  /** The tab's name: KHEOPS's UI names the tab it opens the viewer in (launch-upgrade.ts). */
  windowName(): string;
  now(): number;
  /** A fresh random id (one per kept launch). */
  randomId(): string;
}

export interface LegacyLaunchSession {
  adoptStaticToken(issuer: TrustedIssuer, token: StaticToken): Promise<void>;
}

/**
 * What became of a launch. The caller keeps `refusal` in the extension's runtime, for the refusal
 * route to show in full (its URL carries only the code); this module holds no state.
 */
export type LegacyLaunchOutcome =
  | {
      kind: 'launched';
      launch: LegacyLaunch;
      target: string;
      /** Set when the launch may be upgraded through the realm: what to keep, and where to ask (once). */
      upgrade?: { kept: KeptLaunch; through: TrustedIssuer } | undefined;
      /** Why it is not upgraded, in one sentence, when upgrades are configured for its issuer. */
      staysStatic?: string | undefined;
    }
  | { kind: 'refused'; refusal: Refusal };

/**
 * Takes a legacy launch out of the page URL and scrubs the address bar and history at once (the
 * query and fragment hold a token). Runs first in preRegistration, before OHIF's router renders or
 * anything else is requested. Returns what was there, for `completeLegacyLaunch`.
 */
export function captureLegacyLaunch(browser: Pick<LegacyLaunchBrowser, 'location' | 'replaceState'>): CapturedLocation | undefined {
  const captured = { pathname: browser.location.pathname, search: browser.location.search, hash: browser.location.hash };
  if (!detectLegacyLaunch(captured)) return undefined;
  browser.replaceState(captured.pathname);
  return captured;
}

function refused(browser: LegacyLaunchBrowser, refusal: Refusal): LegacyLaunchOutcome {
  console.warn(`[kheops-auth] launch refused (${refusal.code}): ${refusal.message}`);
  browser.replaceState(refusalAddress(refusal.code));
  return { kind: 'refused', refusal };
}

/** Shows a refusal for a launch the extension could not even configure itself for. */
export function refuseCapturedLaunch(browser: LegacyLaunchBrowser, refusal: Refusal): LegacyLaunchOutcome {
  return refused(browser, refusal);
}

/**
 * Validates the captured launch, makes its token the session's (used as a Bearer header on the
 * trusted DICOMweb root only, never put back in a URL), and moves to the mode route. The viewer
 * link's `ohifservermetadata` is never fetched: it is a URL with the token in it, and the
 * configuration already knows the DICOMweb root.
 */
export async function completeLegacyLaunch(
  captured: CapturedLocation,
  config: KheopsAuthConfig,
  session: LegacyLaunchSession,
  browser: LegacyLaunchBrowser,
): Promise<LegacyLaunchOutcome> {
  const kind = detectLegacyLaunch(captured);
  if (kind === 'ohif-token') {
    return refused(browser, {
      kind: 'refusal',
      code: 'invalid_link',
      message: 'A token in the address ("token" parameter) is not accepted: it would replace your KHEOPS session.',
    });
  }
  // Fetched only now, after the address bar and history were scrubbed: the request's Referer holds no token.
  const { checkReportProviderConfiguration, legacyLaunchTarget, parseReportProviderLaunch, parseViewerLink } = await import('./legacy-launch-parsing');
  const nowSeconds = Math.floor(browser.now() / 1000);
  const launch = kind === 'viewer-link' ? parseViewerLink(captured.search, config, nowSeconds) : parseReportProviderLaunch(captured, config, nowSeconds);
  if (launch.kind === 'refusal') return refused(browser, launch);

  let studyUids = launch.studyUids;
  let seriesUid: string | undefined;
  let returnUri: string | undefined;
  let expiresAt = launch.expiresIn === undefined ? undefined : nowSeconds + launch.expiresIn;
  let evidence: IdentityEvidence;
  if (launch.kind === 'report-provider') {
    // The configuration document is public: fetched without the token, and only from the trusted root.
    let document: unknown;
    try {
      const response = await browser.fetch(launch.confUri);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = await response.json();
    } catch (error) {
      return refused(browser, {
        kind: 'refusal',
        code: 'invalid_report_configuration',
        message: `${launch.issuer.displayName}'s report-provider configuration could not be read (${error instanceof Error ? error.message : 'unknown error'}).`,
      });
    }
    const problem = checkReportProviderConfiguration(document, launch.issuer);
    if (problem) return refused(browser, problem);
    returnUri = launch.returnUri;
    studyUids = studyUids.slice(0, 1);
    // The token's real end and its person, when KHEOPS lets anyone ask (it does); else expires_in.
    const introspected = await introspect(browser, introspectionEndpoint(document, launch.issuer), launch.accessToken, nowSeconds);
    if (introspected?.expiresAt) expiresAt = introspected.expiresAt;
    evidence = reportProviderEvidence(introspected?.subject);
  } else {
    seriesUid = launch.seriesUid;
    evidence = viewerLinkEvidence(browser.windowName(), studyUids[0] ?? '');
  }

  // A viewer link says nothing of its end, and KHEOPS keeps none (its `exp` is never checked): unknown.
  await session.adoptStaticToken(launch.issuer, {
    accessToken: launch.accessToken,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    scopes: launch.scopes,
    end: expiresAt === undefined ? 'unknown' : 'known',
    receivedAt: browser.now(),
    ...(returnUri ? { returnUri } : {}),
    ...(launch.subject ? { subject: launch.subject } : {}),
  });
  const target = legacyLaunchTarget(config, studyUids, seriesUid);
  browser.replaceState(target);
  console.info(`[kheops-auth] ${launch.kind} launch from ${launch.issuer.displayName} accepted; the token is kept out of the URL`);
  const decision = decideUpgradeAttempt({ config, launchIssuer: launch.issuer, studyUids, evidence });
  if (!decision.attempt) return { kind: 'launched', launch, target, staysStatic: decision.reason };
  const kept: KeptLaunch = {
    id: browser.randomId(),
    kind: launch.kind,
    issuer: launch.issuer.issuer,
    through: decision.through.issuer,
    studyUid: studyUids[0] ?? '',
    target,
    evidence,
    scopes: launch.scopes,
  };
  return { kind: 'launched', launch, target, upgrade: { kept, through: decision.through } };
}

/** RFC 7662 at KHEOPS's endpoint (under the trusted root only); any failure is "no answer". */
async function introspect(browser: LegacyLaunchBrowser, endpoint: string | undefined, token: string, nowSeconds: number) {
  if (!endpoint) return undefined;
  try {
    const response = await browser.post(endpoint, new URLSearchParams({ token }));
    return response.ok ? readIntrospection(await response.json(), nowSeconds) : undefined;
  } catch {
    return undefined;
  }
}

/** The browser as the module needs it. */
export function windowBrowser(): LegacyLaunchBrowser {
  return {
    location: window.location,
    replaceState: url => window.history.replaceState(null, '', url),
    fetch: url => window.fetch(url, { credentials: 'omit', headers: { Accept: 'application/json' }, referrerPolicy: 'no-referrer', cache: 'no-store' }),
    post: (url, form) => window.fetch(url, { method: 'POST', body: form, credentials: 'omit', headers: { Accept: 'application/json' }, referrerPolicy: 'no-referrer', cache: 'no-store' }),
    windowName: () => window.name,
    now: () => Date.now(),
    randomId: () => window.crypto.randomUUID(),
  };
}
