/** Parameters larger than this are not a login hint but an attack on whatever displays it. */
export const MAX_LOGIN_HINT_LENGTH = 2048;

/**
 * What a `login_hint` may be: a user name, an e-mail address or an opaque identifier (a `sub`, a
 * JWT as the 2020 KHEOPS OpenID branch sends): letters, digits and the punctuation those use. No
 * spaces, control characters, quotes, angle brackets, backslashes or parentheses: nothing that
 * could be markup or script wherever the provider or this viewer shows it.
 */
const USABLE_HINT = /^[\p{L}\p{M}\p{N}._~+\-@:/=|!#$%&'*^{}]+$/u;

/**
 * The hint to pass on, or undefined. A hint that cannot be a user name, e-mail or opaque id is
 * dropped, not refused: the launch goes on and the provider asks who signs in, as for a launch
 * without a hint. It is never passed on raw.
 */
export function usableLoginHint(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  return raw.length <= MAX_LOGIN_HINT_LENGTH && USABLE_HINT.test(raw) ? raw : undefined;
}
