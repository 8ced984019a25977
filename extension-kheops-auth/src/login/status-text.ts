/**
 * The words of the sign-in screens, written once for both the in-viewer routes (routes/) and the
 * small login and popup pages (login-page/), so a refusal reads the same whichever page answered.
 * (scripts/bundle-runtime.mjs writes the "working" card of the small pages' HTML itself.)
 */
export const STATUS_TEXT = {
  launchRefused: { title: 'This launch was refused', hint: 'Open the study again from KHEOPS. If this keeps happening, tell your administrator.' },
  signInFailed: { title: 'Sign-in failed' },
  popupFailed: { title: 'Sign-in failed', hint: 'Close this window and try again from the viewer.' },
  signingIn: { title: 'Opening the study', message: 'Signing you in with KHEOPS…' },
  completing: { title: 'Opening the study', message: 'Completing the sign-in…' },
  returning: { title: 'Signed in', message: 'Returning to the viewer…' },
} as const;
