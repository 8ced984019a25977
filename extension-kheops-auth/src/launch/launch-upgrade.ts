import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';

/**
 * Upgrade of a released-KHEOPS launch (viewer link, report provider) to a renewable session through
 * KHEOPS's Keycloak realm: pure decisions, no browser and no network. The session code does the one
 * silent sign-in (`prompt=none`) they allow and acts on what they answer.
 *
 * Why an upgrade is possible at all: the person is, in the common case, signed in to the realm in
 * this browser (KHEOPS's UI signs in there), and KHEOPS's API accepts any access token of that realm
 * (platform-facts §2.1). Why it is guarded: Keycloak never compares `login_hint` with the session's
 * user (§8), and a viewer token is encrypted, so the realm's answer may be for someone else than the
 * link. The rules, in order:
 *
 * 1. Only an issuer entry that names a realm in `upgradeThrough` upgrades (opt-in per issuer).
 * 2. One attempt per launch, recorded before the browser leaves (never a loop).
 * 3. The launch must say who it is for, or have come from KHEOPS in this browser:
 *    - a report-provider token names its person (introspection's `sub`, a KHEOPS user id, which is the
 *      realm's `sub`); the realm's answer must be for that same person;
 *    - a viewer link names nobody; it is upgraded only when KHEOPS's own UI opened it, which it does
 *      into a tab named `OHIFViewer-<study>` (`OHIF-<study>` from a series), in the browser where the
 *      person is signed in to KHEOPS. A share link, or a link pasted into a new tab, stays as it came.
 * 4. The realm's token must read the launched study through the trusted DICOMweb root (a QIDO).
 * Whatever fails, the static session stays exactly as it was, and one plain sentence says why.
 */

export type UpgradableLaunchKind = 'viewer-link' | 'report-provider';

/** What shows that the launch belongs to the person signed in to the realm in this browser. */
export type IdentityEvidence =
  /** The launch's own token names the person (introspection of a report-provider token). */
  | { kind: 'subject'; subject: string }
  /** KHEOPS's UI opened this tab itself (its window name), for the launched study. */
  | { kind: 'kheops-tab' }
  /** Nothing does: a share link, a link pasted into a new tab, an unreadable token. */
  | { kind: 'none'; reason: string };

/** The launch the viewer keeps while the silent sign-in is under way (sessionStorage, this tab only). */
export interface KeptLaunch {
  /** Random, one per launch: the silent sign-in's state names it, so an answer is matched to its launch. */
  id: string;
  kind: UpgradableLaunchKind;
  /** The launch's issuer entry (`issuer`) and the realm it upgrades through. */
  issuer: string;
  through: string;
  studyUid: string;
  /** Where the viewer goes with whichever session it ends up with. */
  target: string;
  evidence: IdentityEvidence;
  /** What the launch allowed (`read`, `write`): the upgraded session may do the same, no more. */
  scopes: string[];
}

export type UpgradeDecision = { attempt: true; through: TrustedIssuer } | { attempt: false; reason: string | undefined };

/** What the realm answered, in one plain sentence when it is no. */
export type SilentAnswer = { kind: 'code' } | { kind: 'declined'; error: string; reason: string };

export type Verdict = { ok: true } | { ok: false; reason: string };

/** The suffix every "why not" sentence ends with: what the clinician has instead. */
export const STAYS_STATIC = 'so this session lasts only as long as the KHEOPS link that opened it.';

/** The realm an issuer entry may upgrade its launches through, if it names one the viewer trusts. */
export function upgradeRealm(config: KheopsAuthConfig, launchIssuer: TrustedIssuer & { upgradeThrough?: string | undefined }): TrustedIssuer | undefined {
  if (!launchIssuer.upgradeThrough) return undefined;
  const realm = config.issuers.find(candidate => candidate.issuer === launchIssuer.upgradeThrough);
  // The configuration check already insists on it; a realm for another server would get tokens for it.
  return realm && realm.dicomWebRoot === launchIssuer.dicomWebRoot ? realm : undefined;
}

/**
 * The names KHEOPS's UI gives the tab it opens the viewer in (`window.open('', name)`, KheopsUI):
 * `OHIFViewer-<StudyInstanceUID>` from a study, `OHIF-<StudyInstanceUID>` from a series.
 */
export function isKheopsTabName(windowName: string, studyUid: string): boolean {
  return windowName === `OHIFViewer-${studyUid}` || windowName === `OHIF-${studyUid}`;
}

export const NOT_FROM_KHEOPS_TAB = `This link was not opened from KHEOPS in this browser (a shared link, perhaps), ${STAYS_STATIC}`;
export const NO_SUBJECT = `KHEOPS did not say whose this report launch is, ${STAYS_STATIC}`;

/** The evidence a viewer link carries: only the tab KHEOPS opened it in. */
export function viewerLinkEvidence(windowName: string, studyUid: string): IdentityEvidence {
  return isKheopsTabName(windowName, studyUid) ? { kind: 'kheops-tab' } : { kind: 'none', reason: NOT_FROM_KHEOPS_TAB };
}

/** The evidence a report-provider launch carries: the person introspection names, when it does. */
export function reportProviderEvidence(introspectedSubject: string | undefined): IdentityEvidence {
  return introspectedSubject ? { kind: 'subject', subject: introspectedSubject } : { kind: 'none', reason: NO_SUBJECT };
}

/** Whether this launch asks the realm at all. `reason` is for the clinician; undefined when upgrades are off (nothing to say). */
export function decideUpgradeAttempt(args: {
  config: KheopsAuthConfig;
  launchIssuer: TrustedIssuer & { upgradeThrough?: string | undefined };
  studyUids: string[];
  evidence: IdentityEvidence;
}): UpgradeDecision {
  const through = upgradeRealm(args.config, args.launchIssuer);
  if (!through) return { attempt: false, reason: undefined };
  // The access check is for one study; a launch of several would need it for each, and KHEOPS's UI opens one.
  if (args.studyUids.length !== 1) return { attempt: false, reason: `The launch opens ${args.studyUids.length} studies, ${STAYS_STATIC}` };
  if (args.evidence.kind === 'none') return { attempt: false, reason: args.evidence.reason };
  return { attempt: true, through };
}

const ERROR_CODE = /^[\x20-\x7e]{1,64}$/;

/**
 * The realm's answer to the silent sign-in (the callback's query): a code, or one of OIDC Core §3.1.2.6's
 * errors. Only the error code is shown, never the provider's free-text description.
 */
export function readSilentAnswer(params: URLSearchParams, realmName: string): SilentAnswer {
  const error = params.get('error');
  if (error === null) {
    return params.get('code') ? { kind: 'code' } : { kind: 'declined', error: 'no_code', reason: `${realmName} answered without a sign-in, ${STAYS_STATIC}` };
  }
  const code = ERROR_CODE.test(error) ? error : 'unreadable error';
  switch (code) {
    case 'login_required':
      return { kind: 'declined', error: code, reason: `You are not signed in to ${realmName} in this browser, ${STAYS_STATIC}` };
    case 'interaction_required':
    case 'consent_required':
    case 'account_selection_required':
      return { kind: 'declined', error: code, reason: `${realmName} wants you to confirm something before it signs you in here, ${STAYS_STATIC}` };
    default:
      return { kind: 'declined', error: code, reason: `${realmName} did not sign you in silently (${code}), ${STAYS_STATIC}` };
  }
}

/** The same sentence for a silent sign-in that could not even be completed (a failed code exchange, a bad ID token). */
export function failedExchangeReason(realmName: string): string {
  return `The sign-in with ${realmName} could not be completed, ${STAYS_STATIC}`;
}

/** The upgraded token must be for the person the launch names, when it names one. */
export function checkUpgradedIdentity(evidence: IdentityEvidence, upgradedSubject: string, upgradedName: string): Verdict {
  if (evidence.kind === 'subject' && evidence.subject !== upgradedSubject) {
    return {
      ok: false,
      reason: `This study was opened for another KHEOPS user than the one signed in to KHEOPS in this browser (${upgradedName}), ${STAYS_STATIC}`,
    };
  }
  if (evidence.kind === 'none') return { ok: false, reason: evidence.reason };
  return { ok: true };
}

/** The QIDO that tells whether the upgraded token reads the launched study, on the trusted root. */
export function studyAccessUrl(dicomWebRoot: string, studyUid: string): string {
  const query = new URLSearchParams({ StudyInstanceUID: studyUid, includefield: '0020000D' });
  return `${dicomWebRoot}/studies?${query.toString()}`;
}

/**
 * Reads that QIDO's answer: the study must be listed. 204 or an empty list means the person's KHEOPS
 * albums do not hold it; 401/403 that the token is not good for it.
 */
export function studyAccessVerdict(status: number, body: unknown, studyUid: string, upgradedName: string): Verdict {
  const noAccess: Verdict = { ok: false, reason: `Your KHEOPS sign-in (${upgradedName}) cannot open this study, ${STAYS_STATIC}` };
  if (status === 204 || status === 403 || status === 404) return noAccess;
  if (status === 401) return { ok: false, reason: `KHEOPS did not accept your sign-in (${upgradedName}), ${STAYS_STATIC}` };
  if (status < 200 || status >= 300) return { ok: false, reason: `KHEOPS could not be asked whether your sign-in opens this study (HTTP ${status}), ${STAYS_STATIC}` };
  if (!Array.isArray(body)) return { ok: false, reason: `KHEOPS's answer about this study could not be read, ${STAYS_STATIC}` };
  const listed = body.some(entry => {
    const value = (entry as { '0020000D'?: { Value?: unknown[] } } | null)?.['0020000D']?.Value;
    return Array.isArray(value) && value.includes(studyUid);
  });
  return listed ? { ok: true } : noAccess;
}
