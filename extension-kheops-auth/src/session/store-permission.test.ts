import { storePermission } from './store-permission';
import type { SignedInUser } from './kheops-session';
import { REFRESH_TOKEN_SESSION } from './session-kind';

const issuer = { issuer: 'https://kheops.example.org/api', clientId: 'ohif-viewer', scope: 'openid read write', dicomWebRoot: 'https://kheops.example.org/api', displayName: 'KHEOPS', launches: ['oidc' as const] };
const user = (scopes: string[]): SignedInUser => ({ subject: 'alice', name: 'Alice', issuer, expiresAt: undefined, scopes, receivedAt: 0, kind: REFRESH_TOKEN_SESSION });

describe('storePermission', () => {
  test('a session granted write may store', () => {
    expect(storePermission(user(['openid', 'profile', 'read', 'write']))).toEqual({ allowed: true });
  });

  test('a read-only session is refused with an explanation naming the provider', () => {
    const permission = storePermission(user(['openid', 'profile', 'read']));
    expect(permission).toEqual({
      allowed: false,
      reason: 'This session can only read: KHEOPS did not grant write access, so reports cannot be saved.',
    });
  });

  test('scopes are whole words: "writer" or "write:own" are not write', () => {
    expect(storePermission(user(['read', 'writer', 'write:own'])).allowed).toBe(false);
  });

  test('without a sign-in nothing can be stored, and the reason says to launch from KHEOPS', () => {
    const permission = storePermission(undefined);
    expect(permission.allowed).toBe(false);
    expect(permission.allowed === false && permission.reason).toMatch(/Open the study again from KHEOPS/);
  });
});
