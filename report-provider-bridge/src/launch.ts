// KHEOPS's redirect to the bridge's redirect_uri (response_type "code"): the parameters are checked, the
// code redeemed once, at once, and the browser sent on to the viewer with the study only; the token stays
// in the sealed cookie.
import { introspect, LaunchRefused, readConfiguration, redeemCode, trustedConfigurationRoot } from './kheops-client.js';
import type { SeenCodes } from './seen-codes.js';
import { SessionCookie, type BridgeSession } from './session-cookie.js';
import type { SigningKeys } from './signing-keys.js';

const UID = /^[0-9]+(\.[0-9]+)*$/;
/** Album registrations get KHEOPS-made ids; nothing else belongs in a client_id. */
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

export interface LaunchContext {
  kheopsRoots: string[];
  redirectUri: string;
  viewerLanding: URL;
  keys: SigningKeys;
  seenCodes: SeenCodes;
  now(): number;
}

export interface LaunchOutcome {
  session: BridgeSession;
  /** The viewer page, with the study's UIDs and nothing else. */
  location: string;
  clientId: string;
}

function isUid(value: string): boolean {
  return value.length <= 64 && UID.test(value);
}

export async function completeLaunch(context: LaunchContext, query: URLSearchParams): Promise<LaunchOutcome> {
  for (const name of ['code', 'conf_uri', 'client_id']) {
    if (query.getAll(name).length !== 1) throw new LaunchRefused('parameters', `The launch must carry exactly one ${name}.`);
  }
  const code = query.get('code') as string;
  const confUri = query.get('conf_uri') as string;
  const clientId = query.get('client_id') as string;
  if (code.length === 0 || code.length > 4096) throw new LaunchRefused('parameters', 'The launch\'s code is empty or too long.');
  if (!CLIENT_ID.test(clientId)) throw new LaunchRefused('parameters', 'The launch\'s client_id is not one KHEOPS makes.');
  const studyUids = query.getAll('studyUID');
  if (studyUids.length === 0 || !studyUids.every(isUid)) throw new LaunchRefused('parameters', 'The launch must name its study by DICOM UID (studyUID).');
  // Before any request: the root the whole launch is bound to.
  const root = trustedConfigurationRoot(confUri, context.kheopsRoots);
  if (!(await context.seenCodes.firstSight(code))) {
    throw new LaunchRefused('code-replayed', 'This launch link was already used. Open the study again from KHEOPS.');
  }
  const endpoints = await readConfiguration(confUri, root);
  const token = await redeemCode({ endpoints, key: context.keys.current, clientId, code, redirectUri: context.redirectUri });
  const nowSeconds = Math.floor(context.now() / 1000);
  const facts = await introspect(endpoints, token.accessToken);
  const returnUri = sameOriginOrUndefined(query.get('return_uri'), root);
  const session: BridgeSession = {
    sid: SessionCookie.newSid(),
    accessToken: token.accessToken,
    expiresAt: facts?.exp ?? nowSeconds + token.expiresIn,
    subject: facts?.sub,
    // KHEOPS's code form always grants both (its token answer names no scope).
    scopes: (facts?.scope ?? 'read write').split(' ').filter(Boolean),
    dicomWebRoot: endpoints.dicomWebRoot,
    studyUids,
    returnUri,
  };
  const landing = new URL(context.viewerLanding);
  landing.search = new URLSearchParams({ StudyInstanceUIDs: studyUids.join(',') }).toString();
  return { session, location: landing.toString(), clientId };
}

/** "Return to KHEOPS" only to the launch's own KHEOPS. */
function sameOriginOrUndefined(value: string | null, root: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.origin === root ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
