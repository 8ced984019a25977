import type { SignedInUser } from './kheops-session';

/** The scope KHEOPS requires for STOW (storing a report or segmentation), as on KHEOPS itself. */
export const WRITE_SCOPE = 'write';

export type StorePermission = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether this session may store to the DICOMweb server. Decided from the scopes the provider
 * granted (oidc-client-ts falls back to the requested scopes when the token response names none,
 * as RFC 6749 §5.1 allows), so a read-only launch is told why before any request is refused.
 */
export function storePermission(user: SignedInUser | undefined): StorePermission {
  if (!user) {
    return {
      allowed: false,
      reason: 'This viewer was not opened from KHEOPS with a sign-in, so reports cannot be saved. Open the study again from KHEOPS.',
    };
  }
  if (!user.scopes.includes(WRITE_SCOPE)) {
    return {
      allowed: false,
      reason: `This session can only read: ${user.issuer.displayName} did not grant write access, so reports cannot be saved.`,
    };
  }
  return { allowed: true };
}
