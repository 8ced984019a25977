// What KHEOPS accepts at POST /api/token for a viewer token (RFC 8693 token exchange), as pure checks:
// no oidc-provider here, so unit tests can import it and the grant handler only maps the answers.
//
//   grant_type=urn:ietf:params:oauth:grant-type:token-exchange
//   subject_token=<the user's access token>&subject_token_type=urn:ietf:params:oauth:token-type:access_token
//   scope=viewer read[ write]&studyUID=<study>

export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** Form parameters the grant reads; oidc-provider strips every other one before the handler runs. */
export const TOKEN_EXCHANGE_PARAMETERS = ['subject_token', 'subject_token_type', 'requested_token_type', 'actor_token', 'scope', 'studyUID'] as const;

export type TokenExchangeParameters = Partial<Record<(typeof TOKEN_EXCHANGE_PARAMETERS)[number], string>>;
export type DicomWebScope = 'read' | 'write';

export interface ExchangeRefusal {
  error: 'invalid_request' | 'invalid_scope' | 'invalid_grant';
  /** Says what is wrong, never echoes a token. */
  description: string;
}

export interface ViewerTokenRequest {
  subjectToken: string;
  studyUid: string;
  /** What the viewer token may do at the DICOMweb gateway; `viewer` itself only names the kind of token. */
  scopes: DicomWebScope[];
}

const UID = /^[0-9]+(\.[0-9]+)*$/;
/** `viewer` names the kind of token; the others are what it may do at the DICOMweb gateway. */
const VIEWER_SCOPE_WORDS = new Set(['viewer', 'read', 'write']);

export function isRefusal(value: object): value is ExchangeRefusal {
  return 'error' in value;
}

/** The request's own checks, before the subject token is looked at (a malformed request costs no signature check). */
export function parseViewerTokenRequest(params: TokenExchangeParameters): ViewerTokenRequest | ExchangeRefusal {
  const studyUid = params.studyUID;
  if (!studyUid) return { error: 'invalid_request', description: 'studyUID is required' };
  if (studyUid.length > 64 || !UID.test(studyUid)) return { error: 'invalid_request', description: 'studyUID must be a DICOM UID' };
  if (!params.subject_token) return { error: 'invalid_request', description: 'subject_token is required' };
  if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
    return { error: 'invalid_request', description: `subject_token_type must be ${ACCESS_TOKEN_TYPE}` };
  }
  if (params.requested_token_type !== undefined && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
    return { error: 'invalid_request', description: `requested_token_type can only be ${ACCESS_TOKEN_TYPE}` };
  }
  // KHEOPS issues viewer tokens for the user only; delegation to an actor is not part of it.
  if (params.actor_token !== undefined) return { error: 'invalid_request', description: 'actor_token is not supported' };
  if (!params.scope) return { error: 'invalid_request', description: 'scope is required: "viewer read" or "viewer read write"' };
  const scopes = viewerScopes(params.scope);
  if (!scopes) return { error: 'invalid_scope', description: 'scope must be "viewer read" or "viewer read write"' };
  return { subjectToken: params.subject_token, studyUid, scopes };
}

/** `viewer read` or `viewer read write`, in any order, each word once. */
function viewerScopes(scope: string): DicomWebScope[] | undefined {
  const words = scope.split(' ');
  const asked = new Set(words);
  if (asked.size !== words.length || !asked.has('viewer') || !asked.has('read')) return undefined;
  if (words.some((word) => !VIEWER_SCOPE_WORDS.has(word))) return undefined;
  return asked.has('write') ? ['read', 'write'] : ['read'];
}

/**
 * A viewer token never allows more than the user may do now (a read-only user gets no `write`, as a
 * KHEOPS album member without the right to add series) nor more than the token it is exchanged for.
 */
export function checkScopesAllowed(requested: readonly DicomWebScope[], subjectScopes: ReadonlySet<string>, userIsReadOnly: boolean): ExchangeRefusal | undefined {
  if (!requested.includes('write')) return undefined;
  if (userIsReadOnly) return { error: 'invalid_scope', description: 'this user may not write to the study: ask for "viewer read"' };
  if (!subjectScopes.has('write')) return { error: 'invalid_scope', description: 'the subject token does not allow writing: ask for "viewer read"' };
  return undefined;
}
