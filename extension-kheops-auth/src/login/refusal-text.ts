import type { KheopsAuthErrorCode } from '../errors';

/** What a refusal screen says: one sentence for the clinician, and what IT must look at. */
export interface RefusalExplanation {
  /** Plain words, no protocol terms: what happened and what the clinician can do now. */
  sentence: string;
  /** For the administrator the clinician passes the reason code to. */
  fix: string;
}

const OPEN_AGAIN = 'Open the study again from KHEOPS.';
const ASK_IT = 'Open the study again from KHEOPS. If it happens again, give the reason code below to your IT team.';

/**
 * Every reason code a screen may show, with its words. A Record over the whole code union, so a new
 * code cannot be added without its words; a refusal address (`/kheops/refused?code=…`) names one of
 * these keys and nothing else, so a reloaded page shows the same words and never text from the URL.
 */
export const REFUSAL_EXPLANATIONS: Record<KheopsAuthErrorCode, RefusalExplanation> = {
  configuration_invalid: {
    sentence: 'The viewer is not set up to open studies from KHEOPS yet. Please contact your IT team.',
    fix: 'The kheopsAuth section of the viewer\'s app-config.js is invalid; the browser console names every wrong key.',
  },
  missing_issuer: {
    sentence: `This link does not say which KHEOPS sent it, so the viewer cannot open it. ${OPEN_AGAIN}`,
    fix: 'The launch URL has no "iss" parameter; KHEOPS must send the third-party initiated login with iss (OpenID Connect Core §4).',
  },
  unknown_issuer: {
    sentence: 'This link comes from a KHEOPS the viewer does not know, so it was not opened.',
    fix: 'The launch\'s "iss" is not one of kheopsAuth.issuers; add that KHEOPS to the viewer\'s configuration if it is trusted.',
  },
  invalid_target: {
    sentence: `This link does not lead to a study the viewer can open. ${ASK_IT}`,
    fix: 'The launch\'s target_link_uri is malformed or points at one of the viewer\'s own sign-in routes; check the viewer URL KHEOPS is configured with.',
  },
  foreign_target: {
    sentence: 'This link tries to send you to another website, so the viewer did not open it.',
    fix: 'The launch\'s target_link_uri is not on the viewer\'s own address; KHEOPS\'s viewer URL must be this viewer\'s origin. A link like this one may be an attempt at phishing.',
  },
  target_outside_viewer: {
    sentence: `This link leads to a part of the viewer that studies are not opened from. ${ASK_IT}`,
    fix: 'The launch\'s target_link_uri path is not under kheopsAuth.allowedTargetPaths; align KHEOPS\'s viewer URL with them.',
  },
  unsupported_method: {
    sentence: `The viewer could not read this link. ${ASK_IT}`,
    fix: 'The login route was called with an HTTP method other than GET or a form POST.',
  },
  sign_in_failed: {
    sentence: `Signing in did not work. ${ASK_IT}`,
    fix: 'The OpenID provider could not be reached or answered unexpectedly; the browser console has the details.',
  },
  unknown_state: {
    sentence: `This sign-in page was already used or has expired. ${OPEN_AGAIN}`,
    fix: 'The callback\'s state matches no sign-in started in this tab (reloaded, bookmarked or opened in another tab).',
  },
  provider_error: {
    sentence: `KHEOPS did not let you sign in. ${ASK_IT}`,
    fix: 'The provider answered the authorization request with an error= response; its error code is in the browser console.',
  },
  issuer_mismatch: {
    sentence: 'The sign-in answer came from somewhere other than the KHEOPS that started it, so it was refused.',
    fix: 'The callback\'s or ID token\'s iss is not the issuer the sign-in began with (RFC 9207); check the provider\'s issuer setting.',
  },
  audience_mismatch: {
    sentence: `The sign-in answer was not meant for this viewer, so it was refused. ${ASK_IT}`,
    fix: 'The ID token\'s aud does not contain the viewer\'s clientId; check kheopsAuth.issuers[].clientId.',
  },
  invalid_token_response: {
    sentence: `KHEOPS answered the sign-in in a way the viewer cannot use. ${ASK_IT}`,
    fix: 'The token response was incomplete or inconsistent (missing tokens, another person\'s ID token).',
  },
  no_session: {
    sentence: `You are not signed in to the viewer any more. ${OPEN_AGAIN}`,
    fix: 'There is no session in this tab (signed out, expired, or the tab\'s storage was cleared).',
  },
  popup_blocked: {
    sentence: 'The browser blocked the sign-in window. Allow pop-ups for the viewer and try again.',
    fix: 'The browser\'s pop-up blocker stopped the re-authentication window.',
  },
  popup_closed: {
    sentence: 'The sign-in window was closed before you signed in. Try again.',
    fix: 'The re-authentication window was closed before it completed.',
  },
  sign_out_incomplete: {
    sentence: 'You are signed out of the viewer, but KHEOPS did not confirm it.',
    fix: 'The provider refused or did not answer the token revocation; the tokens end at their expiry.',
  },
  untrusted_root: {
    sentence: 'This link points at a KHEOPS the viewer does not trust, so it was not opened.',
    fix: 'The viewer link\'s DICOMweb root is not the dicomWebRoot of any kheopsAuth.issuers entry.',
  },
  launch_not_enabled: {
    sentence: 'This KHEOPS may not open the viewer this way. Please contact your IT team.',
    fix: 'The launch kind (viewer link or report provider) is not listed in that issuer\'s kheopsAuth.issuers[].launches.',
  },
  invalid_link: {
    sentence: `The viewer could not read this link. ${ASK_IT}`,
    fix: 'The launch URL is not a viewer link or report-provider launch this viewer accepts.',
  },
  invalid_uid: {
    sentence: `This link names a study or series the viewer cannot look for. ${ASK_IT}`,
    fix: 'A StudyInstanceUID or SeriesInstanceUID in the launch is not a DICOM UID (digits and dots, at most 64 characters).',
  },
  invalid_token: {
    sentence: `This link carries no usable access to the study. ${OPEN_AGAIN}`,
    fix: 'The launch\'s access token is missing or malformed.',
  },
  invalid_report_configuration: {
    sentence: 'The viewer could not start as KHEOPS\'s report tool. Please contact your IT team.',
    fix: 'KHEOPS\'s report-provider configuration document could not be read or does not match the viewer.',
  },
  session_not_renewable: {
    sentence: `This session cannot be renewed from the viewer. ${OPEN_AGAIN}`,
    fix: 'The session came with the launch URL (viewer link or report provider) and has no refresh token.',
  },
};

/** The code a URL parameter names, if it is one of the fixed list (own keys only: not `constructor`). */
export function knownRefusalCode(raw: string | null | undefined): KheopsAuthErrorCode | undefined {
  return raw && Object.hasOwn(REFUSAL_EXPLANATIONS, raw) ? (raw as KheopsAuthErrorCode) : undefined;
}
