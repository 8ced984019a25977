import { isReservedPath, isUnderPath } from '../config/paths';
import { extensionRoutes, type KheopsAuthConfig } from '../config/types';
import { isUidList, isUidParameter, MAX_UID_LENGTH } from './dicom-uid';
import { refuse, type Refusal } from './types';

/** Longer targets are refused: no legitimate study link comes close, and it bounds the work done on hostile input. */
export const MAX_TARGET_LENGTH = 4096;

// C0 controls, DEL, and backslashes: browsers "repair" these in ways that differ from URL parsers.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;


/**
 * Accepts `target_link_uri` only when it is an absolute URL on the viewer's own origin, under one
 * of the allowed paths and at none of the extension's own routes (`reservedPaths`: a launch landing
 * at the login route would chain a second sign-in and end wherever that one leads), with every UID
 * parameter a DICOM UID: the login route can never be used as an open redirector, nor send markup to
 * the DICOMweb server. Returns the path and query to navigate to (the fragment is dropped).
 */
export function validateTarget(
  raw: string,
  viewerOrigin: string,
  allowedPaths: readonly string[],
  reservedPaths: readonly string[] = [],
): { ok: true; target: string } | { ok: false; refusal: Refusal } {
  if (raw.length > MAX_TARGET_LENGTH) {
    return { ok: false, refusal: refuse('invalid_target', `target_link_uri is longer than ${MAX_TARGET_LENGTH} characters`) };
  }
  if (UNSAFE_CHARACTERS.test(raw) || raw.trim() !== raw) {
    return { ok: false, refusal: refuse('invalid_target', 'target_link_uri contains control characters, spaces at its ends or backslashes') };
  }
  let url: URL;
  try {
    // No base URL on purpose: relative and protocol-relative values ("//evil.example") do not parse.
    url = new URL(raw);
  } catch {
    return { ok: false, refusal: refuse('invalid_target', 'target_link_uri is not an absolute URL') };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, refusal: refuse('invalid_target', `target_link_uri uses the ${url.protocol} scheme; only the viewer's own http(s) URLs are accepted`) };
  }
  if (url.origin !== viewerOrigin) {
    return { ok: false, refusal: refuse('foreign_target', `target_link_uri points at ${url.origin}, not at this viewer (${viewerOrigin})`) };
  }
  if (url.username || url.password) {
    return { ok: false, refusal: refuse('invalid_target', 'target_link_uri must not contain a user name or password') };
  }
  // URL parsing already resolved plain dot segments; encoded ones (and encoded slashes) would let a
  // path look allowed here and resolve elsewhere after a later decode, so they are refused outright.
  if (/%(2e|2f|5c|25)/i.test(url.pathname)) {
    return { ok: false, refusal: refuse('invalid_target', 'target_link_uri has encoded dots, slashes or percent signs in its path') };
  }
  // A path starting with "//" (e.g. https://viewer//evil.example/x) would come out as the target
  // "//evil.example/x", which browsers resolve as a protocol-relative URL on another origin.
  if (url.pathname.startsWith('//')) {
    return { ok: false, refusal: refuse('invalid_target', 'target_link_uri has a path starting with "//"') };
  }
  if (!allowedPaths.some(allowed => isUnderPath(url.pathname, allowed))) {
    return {
      ok: false,
      refusal: refuse('target_outside_viewer', `target_link_uri path ${url.pathname} is not under ${allowedPaths.join(' or ')}`),
    };
  }
  if (isReservedPath(url.pathname, reservedPaths)) {
    return { ok: false, refusal: refuse('invalid_target', `target_link_uri points at the viewer's own sign-in route ${url.pathname}, not at a study`) };
  }
  const badUid = [...url.searchParams].find(([name, value]) => isUidParameter(name) && !isUidList(value));
  if (badUid) {
    return { ok: false, refusal: refuse('invalid_uid', `target_link_uri's ${badUid[0].slice(0, 64)} is not a DICOM UID (digits and dots, at most ${MAX_UID_LENGTH} characters)`) };
  }
  // OHIF's mode route takes a `token` query parameter (any case) as the bearer token of every request,
  // in place of the session's: a launch could make the viewer work, and save reports, as someone else.
  if ([...url.searchParams.keys()].some(key => key.toLowerCase() === 'token')) {
    return { ok: false, refusal: refuse('invalid_target', 'target_link_uri carries a "token" parameter, which would replace your KHEOPS session in the viewer') };
  }
  const target = `${url.pathname}${url.search}`;
  // Parsing percent-encodes non-ASCII (up to 12 characters for one code point), so a value under the limit can
  // serialize over it; check the result too, so that an accepted target is accepted again.
  if (viewerOrigin.length + target.length > MAX_TARGET_LENGTH) {
    return { ok: false, refusal: refuse('invalid_target', `target_link_uri is longer than ${MAX_TARGET_LENGTH} characters once encoded`) };
  }
  return { ok: true, target };
}

/**
 * A target this viewer kept itself (the one a sign-in stored in its state, the last viewer page),
 * checked again as a launch's: anything on this origin could have written it.
 */
export function checkKeptTarget(target: string, viewerOrigin: string, config: Pick<KheopsAuthConfig, 'allowedTargetPaths' | 'routes'>): string | undefined {
  if (!target.startsWith('/')) return undefined;
  const checked = validateTarget(`${viewerOrigin}${target}`, viewerOrigin, config.allowedTargetPaths, extensionRoutes(config.routes));
  return checked.ok ? checked.target : undefined;
}
