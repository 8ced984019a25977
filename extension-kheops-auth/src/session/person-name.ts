/**
 * What to call the signed-in person on screen (the session badge, "You are signed in as …"), from
 * the claims the provider sent. OpenID Connect guarantees only `sub`, and real providers often send
 * an opaque one (Glewlwyd: a random 32-character id) and no `preferred_username`: a name is then taken
 * from `name`, the given and family names, the user name, the nickname or the e-mail address, and
 * when there is none, the caller says something neutral instead. `sub` is never shown as a name.
 */
export interface NameClaims {
  name?: unknown;
  given_name?: unknown;
  family_name?: unknown;
  preferred_username?: unknown;
  nickname?: unknown;
  email?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

export function personName(claims: NameClaims | undefined): string | undefined {
  if (!claims) return undefined;
  const fullName = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  return text(claims.name) ?? (fullName || undefined) ?? text(claims.preferred_username) ?? text(claims.nickname) ?? text(claims.email);
}

/** The name, or what to call someone whose provider sent none: "the person signed in with Glewlwyd". */
export function personNameOr(claims: NameClaims | undefined, providerName: string): string {
  return personName(claims) ?? `the person signed in with ${providerName}`;
}

/**
 * The `login_hint` for signing the same person in again: the user name they type at the provider.
 * An e-mail address or an opaque `sub` would be typed into the provider's user-name field for them
 * (Glewlwyd fills its "Login" field with the hint), so without a user name there is no hint.
 */
export function signInHintOf(claims: NameClaims | undefined): string | undefined {
  return text(claims?.preferred_username);
}
