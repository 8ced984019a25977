import { User } from 'oidc-client-ts';
import type { TrustedIssuer } from '../config/types';
import { tabUserKey } from './storage-keys';

/** This tab's copy of its signed-in user, so that a reload keeps the session (session/tab-user.ts reads it too). */

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
