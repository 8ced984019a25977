import { User } from 'oidc-client-ts';
import type { TrustedIssuer } from '../config/types';
import { USER_PREFIX } from './storage-keys';

/**
 * This tab's copy of its signed-in user, so that a reload keeps the session. The key is the one
 * oidc-client-ts's UserManager used (`user:<authority>:<client_id>`), which sessions stored by
 * earlier versions of the extension, and readers such as the login page's conflict check, rely on.
 */
export function tabUserKey(issuer: Pick<TrustedIssuer, 'issuer' | 'clientId'>): string {
  return `${USER_PREFIX}user:${issuer.issuer}:${issuer.clientId}`;
}

export function saveTabUser(storage: Storage, issuer: TrustedIssuer, user: User): void {
  storage.setItem(tabUserKey(issuer), user.toStorageString());
}

export function loadTabUser(storage: Storage, issuer: TrustedIssuer): User | undefined {
  const raw = storage.getItem(tabUserKey(issuer));
  if (!raw) return undefined;
  try {
    return User.fromStorageString(raw);
  } catch {
    storage.removeItem(tabUserKey(issuer));
    return undefined;
  }
}

export function removeTabUser(storage: Storage, issuer: TrustedIssuer): void {
  storage.removeItem(tabUserKey(issuer));
}
