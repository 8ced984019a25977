import type { SignedInUser } from './kheops-session';

export type StorePermission = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether this session may try to store to the DICOMweb server, by the issuer's `savePermission`.
 * 'server-decides': every signed-in session tries, and the server's refusal (403) keeps the report
 * (ohif/data-source/authenticated-data-source.ts). `{ scope }`: decided from the scopes the provider
 * granted (oidc-client-ts falls back to the requested scopes when the token response names none, as
 * RFC 6749 §5.1 allows), so a read-only session is told why before any request is refused.
 */
export function storePermission(user: SignedInUser | undefined): StorePermission {
  if (!user) {
    return {
      allowed: false,
      reason: 'This viewer was not opened from KHEOPS with a sign-in, so reports cannot be saved. Open the study again from KHEOPS.',
    };
  }
  const rule = user.issuer.savePermission;
  // The named scope is what means write access at this provider, so the reason says write access.
  if (rule !== 'server-decides' && !user.scopes.includes(rule.scope)) {
    return {
      allowed: false,
      reason: `This session can only read: ${user.issuer.displayName} did not grant write access, so reports cannot be saved.`,
    };
  }
  return { allowed: true };
}

/** What a person reads when the DICOMweb server refused to store a report; nothing was lost. */
export function refusedSaveMessage(platform: string): string {
  return `${platform} refused to store this report (403): your account may not add to this study or album. The report is kept in this browser: download it as a .dcm file, or send it again once ${platform} gives you write access.`;
}
