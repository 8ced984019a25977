import { BRIDGE_LANDING_ROUTE, REFUSED_ROUTE, type KheopsAuthConfig, type TrustedIssuer } from '../config/types';
import type { StaticToken, Refusal } from './types';
import { isUid } from './dicom-uid';
import { legacyLaunchTarget } from './legacy-launch';

/** What the bridge's marker header is (session/bridge-cookie.ts), repeated here: launch/ imports no session code. */
const MARKER = 'KheopsBridge';

export interface BridgeLandingBrowser {
  location: { origin: string; pathname: string; search: string };
  replaceState(url: string): void;
  /** A same-origin GET that carries the bridge's cookie and marker. */
  fetchSession(url: string): Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;
  now(): number;
}

export interface BridgeLandingSession {
  adoptBridgeSession(issuer: TrustedIssuer, token: Omit<StaticToken, 'accessToken'>): Promise<void>;
}

export type BridgeLandingOutcome = { kind: 'launched'; target: string } | { kind: 'refused'; refusal: Refusal };

export function isBridgeLanding(pathname: string): boolean {
  return pathname.replace(/\/+$/, '').toLowerCase() === BRIDGE_LANDING_ROUTE;
}

function refused(browser: BridgeLandingBrowser, code: Refusal['code'], message: string): BridgeLandingOutcome {
  console.warn(`[kheops-auth] bridge launch refused (${code}): ${message}`);
  browser.replaceState(`${REFUSED_ROUTE}?${new URLSearchParams({ code }).toString()}`);
  return { kind: 'refused', refusal: { kind: 'refusal', code, message } };
}

/**
 * The bridge (report-provider-bridge/) redeemed KHEOPS's code and sent the browser here with the study
 * only. The session it holds is asked for its end and person (no token comes back), and becomes this
 * tab's; the page then moves to the mode route on that study.
 */
export async function completeBridgeLanding(config: KheopsAuthConfig, session: BridgeLandingSession, browser: BridgeLandingBrowser): Promise<BridgeLandingOutcome> {
  const issuer = config.issuers.find(candidate => candidate.launches.includes('bridge'));
  if (!issuer) return refused(browser, 'launch_not_enabled', 'This viewer is not configured for the report-provider bridge (no issuer entry with launches ["bridge"]).');
  // The cookie only reaches the bridge on this origin; anything else would be a misconfiguration.
  if (new URL(issuer.issuer).origin !== browser.location.origin) return refused(browser, 'untrusted_root', 'The report-provider bridge must be mounted on the viewer\'s own origin.');
  const studies = new URLSearchParams(browser.location.search).get('StudyInstanceUIDs') ?? '';
  const studyUid = studies.split(',')[0] ?? '';
  if (!isUid(studyUid)) return refused(browser, 'invalid_uid', 'The launch names no valid study UID.');
  let answer: Record<string, unknown>;
  try {
    const response = await browser.fetchSession(`${issuer.issuer}/session`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    answer = (await response.json()) as Record<string, unknown>;
  } catch (error) {
    return refused(browser, 'invalid_token', `The report-provider bridge did not answer (${error instanceof Error ? error.message : 'unknown error'}). Open the study again from KHEOPS.`);
  }
  const nowSeconds = Math.floor(browser.now() / 1000);
  const expiresAt = answer.expires_at;
  const studyUids = Array.isArray(answer.study_uids) ? answer.study_uids : [];
  if (answer.active !== true || typeof expiresAt !== 'number' || expiresAt <= nowSeconds) {
    return refused(browser, 'invalid_token', 'The report-provider bridge holds no KHEOPS session for this browser. Open the study again from KHEOPS.');
  }
  if (!studyUids.includes(studyUid)) return refused(browser, 'invalid_uid', 'The bridge\'s KHEOPS session is for another study. Open the study again from KHEOPS.');
  await session.adoptBridgeSession(issuer, {
    expiresAt,
    end: 'known',
    scopes: typeof answer.scope === 'string' ? answer.scope.split(' ').filter(Boolean) : ['read'],
    receivedAt: browser.now(),
    ...(typeof answer.sub === 'string' ? { subject: answer.sub } : {}),
    ...(typeof answer.return_uri === 'string' && /^https?:\/\//.test(answer.return_uri) ? { returnUri: answer.return_uri } : {}),
  });
  const target = legacyLaunchTarget(config, [studyUid], undefined);
  browser.replaceState(target);
  console.info(`[kheops-auth] bridge launch accepted; the token stays in the bridge`);
  return { kind: 'launched', target };
}

export function windowBridgeBrowser(): BridgeLandingBrowser {
  return {
    location: window.location,
    replaceState: url => window.history.replaceState(null, '', url),
    fetchSession: url => window.fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json', Authorization: MARKER }, cache: 'no-store', referrerPolicy: 'no-referrer' }),
    now: () => Date.now(),
  };
}
