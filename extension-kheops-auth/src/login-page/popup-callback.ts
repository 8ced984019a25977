/**
 * Entry of the small popup callback page (kheops-popup-callback.html): the sign-in popup's redirect
 * URI. It only hands the provider's answer back to the viewer page that opened it and closes, so
 * re-authentication does not boot a second OHIF in the popup. The opener checks the state and
 * exchanges the code. The in-viewer route (routes/PopupCallbackRoute.tsx) does the same where a
 * deployment cannot serve this page.
 */
import { describeFailure } from '../login/describe-failure';
import { describeRefusal } from '../login/describe-refusal';
import { returnToOpener } from '../session/popup-sign-in';
import { STATUS_TEXT } from '../login/status-text';
import { renderRefusal } from './render-status';

try {
  returnToOpener(window.location.href, window);
} catch (error) {
  const failure = describeFailure(error);
  console.warn(`[kheops-auth] popup sign-in failed (${failure.code}): ${failure.message}`);
  renderRefusal(document, { ...describeRefusal(failure.code, undefined, failure.message), title: STATUS_TEXT.popupFailed.title, sentence: STATUS_TEXT.popupFailed.hint });
}
