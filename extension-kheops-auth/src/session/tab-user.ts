import type { TrustedIssuer } from '../config/types';
import { personNameOr } from './person-name';
import { ACTIVE_ISSUER_KEY, STATIC_TOKEN_KEY, tabUserKey } from './storage-keys';
import { staticTokenLive } from './static-token';

/**
 * Who this tab is signed in as, read straight from what the session stored in sessionStorage, for
 * the question "open the study as someone else?" only: never to decide what anyone may do (the
 * stored profile is not verified here). Plain JSON reads, so that the small login page can ask
 * without loading the session code.
 */
export interface TabUser {
  /** The issuer the session belongs to. */
  issuer: string;
  /** The names the person goes by, as far as the session knows them: `sub`, `preferred_username`, `email`. */
  identifiers: string[];
  /** How to call them on screen. */
  displayName: string;
}

interface StoredProfile {
  sub?: unknown;
  preferred_username?: unknown;
  email?: unknown;
  name?: unknown;
}

function readJson(storage: Storage, key: string): unknown {
  const raw = storage.getItem(key);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function fromProfile(issuer: Pick<TrustedIssuer, 'issuer'> & { displayName?: string }, profile: StoredProfile | undefined): TabUser | undefined {
  const sub = text(profile?.sub);
  if (!sub) return undefined;
  const username = text(profile?.preferred_username);
  const email = text(profile?.email);
  const identifiers = [sub, username, email].filter((value): value is string => value !== undefined);
  // Never the sub as a name: Glewlwyd's is a random id (person-name.ts).
  return { issuer: issuer.issuer, identifiers, displayName: personNameOr(profile, issuer.displayName ?? 'KHEOPS') };
}

/**
 * The tab's signed-in person: a token a legacy launch handed over (while it lasts), else the OpenID
 * user of the active issuer, else of any trusted issuer. Undefined when no one is signed in, or when a
 * legacy token does not say whose it is (then nothing can be compared).
 */
export function readTabUser(storage: Storage, issuers: ReadonlyArray<Pick<TrustedIssuer, 'issuer' | 'clientId'> & { displayName?: string }>, nowMs: number): TabUser | undefined {
  // The session restores a live static token before any OpenID user (kheops-session.ts), so it wins here too.
  const staticToken = readJson(storage, STATIC_TOKEN_KEY) as { issuer?: unknown; subject?: unknown; expiresAt?: unknown; end?: unknown } | undefined;
  const trusted = typeof staticToken?.issuer === 'string' && issuers.some(issuer => issuer.issuer === staticToken.issuer);
  if (staticToken && trusted && staticTokenLive(staticToken, nowMs) && typeof staticToken.issuer === 'string') {
    const subject = text(staticToken.subject);
    return subject ? { issuer: staticToken.issuer, identifiers: [subject], displayName: subject } : undefined;
  }
  const active = storage.getItem(ACTIVE_ISSUER_KEY);
  const ordered = [...issuers].sort((a, b) => Number(b.issuer === active) - Number(a.issuer === active));
  for (const issuer of ordered) {
    const user = readJson(storage, tabUserKey(issuer)) as { profile?: StoredProfile } | undefined;
    const found = fromProfile(issuer, user?.profile);
    if (found) return found;
  }
  return undefined;
}
