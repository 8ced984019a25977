/**
 * @jest-environment jsdom
 */
import React from 'react';
import fc from 'fast-check';
import { cleanup, render } from '@testing-library/react';
import { REFUSAL_TEXT } from '../launch/legacy-launch-capture';
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
    expect(shown('untrusted_root')).toEqual({ code: 'untrusted_root', message: REFUSAL_TEXT.untrusted_root });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('treats the prototype key %s as an unknown code', code => {
    expect(shown(code)).toEqual({ code: 'invalid_link', message: REFUSAL_TEXT.invalid_link });
  });

  it('shows a known code or invalid_link, always with a message, whatever the URL says', () => {
    const known = Object.keys(REFUSAL_TEXT);
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
