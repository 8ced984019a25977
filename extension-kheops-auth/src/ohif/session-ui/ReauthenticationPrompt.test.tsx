/**
 * @jest-environment jsdom
 */
import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { ReauthenticationPrompt } from './ReauthenticationPrompt';

describe('ReauthenticationPrompt', () => {
  it('offers to try again when the window looks closed, without giving up the sign-in under way', async () => {
    let windowClosed: (() => void) | undefined;
    const signIn = jest.fn((onWindowClosed?: () => void) => {
      windowClosed = onWindowClosed;
      return new Promise<void>(() => undefined);
    });
    render(<ReauthenticationPrompt issuerName="KHEOPS" signIn={signIn} />);
    const button = screen.getByRole('button');
    fireEvent.click(button);
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(button.textContent).toBe('Signing in…');

    act(() => windowClosed?.());
    expect(screen.getByRole('alert').textContent).toContain('The sign-in window was closed');
    expect((button as HTMLButtonElement).disabled).toBe(false);

    fireEvent.click(button);
    expect(signIn).toHaveBeenCalledTimes(2);
  });

  it('says what went wrong when the sign-in fails', async () => {
    const signIn = jest.fn().mockRejectedValue(new Error('You signed in as bob, but this page belongs to alice.'));
    render(<ReauthenticationPrompt issuerName="KHEOPS" signIn={signIn} />);
    await act(async () => fireEvent.click(screen.getByRole('button')));
    expect(screen.getByRole('alert').textContent).toContain('this page belongs to alice');
    expect((screen.getByRole('button') as HTMLButtonElement).disabled).toBe(false);
  });
});
