import { ISSUER, VIEWER, testConfig } from '../__tests__/fixtures';
import { MemoryStorage } from '../__tests__/memory-storage';
import { ACTIVE_ISSUER_KEY, STATIC_TOKEN_KEY } from './storage-keys';
import { tabUserKey } from './storage-keys';
import { readTabUser } from './tab-user';
import { readViewerPage, rememberViewerPage } from './viewer-page';

const NOW = 1_700_000_000_000;
const issuers = testConfig().issuers;
const OTHER = { issuer: 'https://other.example.org/api', clientId: 'ohif' };

/** What oidc-client-ts's WebStorageStateStore keeps for a signed-in user (User.toStorageString()). */
function storeUser(storage: Storage, issuer: { issuer: string; clientId: string }, profile: Record<string, unknown>): void {
  storage.setItem(`kheops-auth.user.user:${issuer.issuer}:${issuer.clientId}`, JSON.stringify({ access_token: 'secret', token_type: 'Bearer', profile }));
}

describe('readTabUser', () => {
  it('reads the OpenID user under the key oidc-client-ts uses', () => {
    const storage = new MemoryStorage();
    storeUser(storage, issuers[0]!, { sub: 'f3a1', preferred_username: 'alice', email: 'alice@example.org', name: 'Alice Martin' });
    expect(tabUserKey(issuers[0]!)).toBe(`kheops-auth.user.user:${ISSUER}:ohif-viewer`);
    expect(readTabUser(storage, issuers, NOW)).toEqual({ issuer: ISSUER, identifiers: ['f3a1', 'alice', 'alice@example.org'], displayName: 'Alice Martin' });
  });

  it('falls back on the user name, then the e-mail address, never the subject, for the name shown', () => {
    const storage = new MemoryStorage();
    storeUser(storage, issuers[0]!, { sub: 'f3a1', preferred_username: 'alice' });
    expect(readTabUser(storage, issuers, NOW)?.displayName).toBe('alice');
    storeUser(storage, issuers[0]!, { sub: 'f3a1', email: 'alice@kheops.test' });
    expect(readTabUser(storage, issuers, NOW)?.displayName).toBe('alice@kheops.test');
    // Glewlwyd's sub is a random id: it identifies, but it is no name to show.
    storeUser(storage, issuers[0]!, { sub: 'f3a1' });
    expect(readTabUser(storage, issuers, NOW)).toMatchObject({ identifiers: ['f3a1'], displayName: 'the person signed in with KHEOPS' });
  });

  it('prefers the active issuer when several have a user', () => {
    const storage = new MemoryStorage();
    storeUser(storage, issuers[0]!, { sub: 'alice' });
    storeUser(storage, OTHER, { sub: 'bob' });
    storage.setItem(ACTIVE_ISSUER_KEY, OTHER.issuer);
    expect(readTabUser(storage, [...issuers, OTHER], NOW)?.identifiers).toEqual(['bob']);
  });

  it('reads the person of a live legacy token first, and nothing when it names no one', () => {
    const storage = new MemoryStorage();
    storeUser(storage, issuers[0]!, { sub: 'alice' });
    storage.setItem(STATIC_TOKEN_KEY, JSON.stringify({ issuer: ISSUER, accessToken: 'secret', expiresAt: NOW / 1000 + 60, scopes: ['read'], subject: 'carol' }));
    expect(readTabUser(storage, issuers, NOW)).toEqual({ issuer: ISSUER, identifiers: ['carol'], displayName: 'carol' });
    storage.setItem(STATIC_TOKEN_KEY, JSON.stringify({ issuer: ISSUER, accessToken: 'secret', expiresAt: NOW / 1000 + 60, scopes: ['read'] }));
    expect(readTabUser(storage, issuers, NOW)).toBeUndefined();
  });

  it('ignores an expired legacy token', () => {
    const storage = new MemoryStorage();
    storeUser(storage, issuers[0]!, { sub: 'alice' });
    storage.setItem(STATIC_TOKEN_KEY, JSON.stringify({ issuer: ISSUER, accessToken: 'secret', expiresAt: NOW / 1000 - 1, subject: 'carol' }));
    expect(readTabUser(storage, issuers, NOW)?.identifiers).toEqual(['alice']);
  });

  it('reads nothing from an empty tab or unreadable records, and never returns a token', () => {
    const storage = new MemoryStorage();
    expect(readTabUser(storage, issuers, NOW)).toBeUndefined();
    storage.setItem(tabUserKey(issuers[0]!), '{not json');
    storage.setItem(STATIC_TOKEN_KEY, 'null');
    expect(readTabUser(storage, issuers, NOW)).toBeUndefined();
    storeUser(storage, issuers[0]!, { sub: 42 });
    expect(readTabUser(storage, issuers, NOW)).toBeUndefined();
    storeUser(storage, issuers[0]!, { sub: 'alice' });
    expect(JSON.stringify(readTabUser(storage, issuers, NOW))).not.toContain('secret');
  });
});

describe('the remembered viewer page', () => {
  it('is read back when it is a page a launch could open', () => {
    const storage = new MemoryStorage();
    rememberViewerPage(storage, { pathname: '/kheops', search: '?StudyInstanceUIDs=1.2.3' });
    expect(readViewerPage(storage, VIEWER, testConfig())).toBe('/kheops?StudyInstanceUIDs=1.2.3');
  });

  it.each([
    ['another origin', '//evil.example/kheops'],
    ['a path outside the mode', '/admin'],
    ["OHIF's token parameter", '/kheops?StudyInstanceUIDs=1.2.3&token=x'],
    ['an absolute URL', 'https://evil.example/kheops'],
    ['the login route', '/kheops/login?iss=https%3A%2F%2Fkheops.example.org%2Fapi'],
    ['a study that is not a UID', '/kheops?StudyInstanceUIDs=%3Cb%3E'],
  ])('is ignored when it is %s', (_name, page) => {
    const storage = new MemoryStorage();
    storage.setItem('kheops-auth.viewer-page', page);
    expect(readViewerPage(storage, VIEWER, testConfig())).toBeUndefined();
  });

  it('is undefined when none was remembered', () => {
    expect(readViewerPage(new MemoryStorage(), VIEWER, testConfig())).toBeUndefined();
  });
});
