import { storePermission } from './store-permission';
import type { SignedInUser } from './kheops-session';
import { REFRESH_TOKEN_SESSION } from './session-kind';
import type { SavePermission } from '../config/types';

const issuer = (savePermission: SavePermission) => ({
  issuer: 'https://kheops.example.org/api',
  clientId: 'ohif-viewer',
  scope: 'openid read write',
  dicomWebRoot: 'https://kheops.example.org/api',
  displayName: 'KHEOPS',
  launches: ['oidc' as const],
  savePermission,
});
const user = (scopes: string[], savePermission: SavePermission = { scope: 'write' }): SignedInUser => ({
  subject: 'alice',
  name: 'Alice',
  issuer: issuer(savePermission),
  expiresAt: undefined,
  scopes,
  receivedAt: 0,
  kind: REFRESH_TOKEN_SESSION,
});

describe('storePermission with savePermission { scope: "write" }', () => {
  test('a session granted write may store', () => {
    expect(storePermission(user(['openid', 'profile', 'read', 'write']))).toEqual({ allowed: true });
  });

  test('a read-only session is refused before any request, with an explanation naming the provider', () => {
    const permission = storePermission(user(['openid', 'profile', 'read']));
    expect(permission).toEqual({
      allowed: false,
      reason: 'This session can only read: KHEOPS did not grant write access, so reports cannot be saved.',
    });
  });

  test('scopes are whole words: "writer" or "write:own" are not write', () => {
    expect(storePermission(user(['read', 'writer', 'write:own'])).allowed).toBe(false);
  });
});

describe('storePermission with savePermission "server-decides"', () => {
  test('a session whose token names no read/write scope (Keycloak) tries the save: the server decides', () => {
    expect(storePermission(user(['openid', 'profile'], 'server-decides'))).toEqual({ allowed: true });
  });

  test('without a sign-in nothing is tried, whatever the setting', () => {
    expect(storePermission(undefined).allowed).toBe(false);
  });
});

test('without a sign-in nothing can be stored, and the reason says to launch from KHEOPS', () => {
  const permission = storePermission(undefined);
  expect(permission.allowed).toBe(false);
  expect(permission.allowed === false && permission.reason).toMatch(/Open the study again from KHEOPS/);
});
