/**
 * @jest-environment jsdom
 */
import React from 'react';
import fc from 'fast-check';
import { cleanup, render } from '@testing-library/react';
import { REFUSAL_EXPLANATIONS } from '../login/refusal-text';
import { runtime } from '../runtime';
import { RefusedRoute } from './RefusedRoute';

afterEach(() => {
  cleanup();
  runtime.refusal = undefined;
});

function shown(code: string): { code: string | null | undefined; message: string | null | undefined } {
  window.history.replaceState(null, '', `/kheops/refused?${new URLSearchParams({ code }).toString()}`);
  const { container } = render(<RefusedRoute />);
  const result = {
    code: container.querySelector('[data-kheops-auth-code]')?.getAttribute('data-kheops-auth-code'),
    message: container.querySelector('[data-kheops-auth-message]')?.textContent,
  };
  cleanup();
  return result;
}

describe('RefusedRoute after a reload (the refusal no longer in memory)', () => {
  it('words a known code with the extension\'s own text', () => {
    expect(shown('untrusted_root')).toEqual({ code: 'untrusted_root', message: REFUSAL_EXPLANATIONS.untrusted_root.sentence });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('treats the prototype key %s as an unknown code', code => {
    expect(shown(code)).toEqual({ code: 'invalid_link', message: REFUSAL_EXPLANATIONS.invalid_link.sentence });
  });

  it('shows a known code or invalid_link, always with a message, whatever the URL says', () => {
    const known = Object.keys(REFUSAL_EXPLANATIONS);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...known, ...Object.getOwnPropertyNames(Object.prototype))), code => {
        const result = shown(code);
        expect(known).toContain(result.code);
        expect(result.code === code || result.code === 'invalid_link').toBe(true);
        expect(result.message).toBeTruthy();
      }),
      { numRuns: 60 },
    );
  });
});

describe('RefusedRoute: the way back to KHEOPS', () => {
  const before = runtime.setup;
  afterEach(() => {
    runtime.setup = before;
  });

  function backLink(search: string): string | null | undefined {
    window.history.replaceState(null, '', `/kheops/refused?${search}`);
    const { container } = render(<RefusedRoute />);
    return container.querySelector<HTMLAnchorElement>('[data-kheops-auth-back]')?.getAttribute('href');
  }

  it('leads to the configured KHEOPS of the issuer the address names, and nowhere the address says', () => {
    const issuer = { issuer: 'https://kheops.example.org/api', clientId: 'v', scope: 'openid', dicomWebRoot: 'https://kheops.example.org/api', displayName: 'KHEOPS', launches: ['oidc' as const], savePermission: 'server-decides' as const, kheopsUrl: 'https://kheops.example.org/' };
    runtime.setup = { ready: true, config: { issuers: [issuer], routes: { login: '/kheops/login', callback: '/kheops/callback', popupCallback: '/kheops/popup-callback' }, allowedTargetPaths: ['/kheops'], defaultTarget: '/kheops' }, session: {} as never };
    expect(backLink(new URLSearchParams({ code: 'foreign_target', issuer: issuer.issuer }).toString())).toBe('https://kheops.example.org/');
    cleanup();
    expect(backLink(new URLSearchParams({ code: 'foreign_target', issuer: 'https://evil.example/api', back: 'https://evil.example/' }).toString())).toBeUndefined();
  });
});
