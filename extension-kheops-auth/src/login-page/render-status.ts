import type { FailureView } from '../routes/describe-failure';

/** The title the in-viewer login route shows over a refusal (routes/LoginRoute.tsx). */
export const REFUSED_TITLE = 'This launch was refused';

/**
 * Replaces the page's content with the refusal, in plain DOM with the same text and data attributes
 * as routes/StatusPage.tsx, so deployers and tests find the same reason codes whichever login page
 * answered. Text only (textContent): the message may quote attacker-controlled launch parameters.
 */
export function renderRefusal(document: Document, failure: FailureView): HTMLElement {
  const element = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const frame = element('div');
  frame.className = 'kheops-auth-frame';
  frame.setAttribute('data-kheops-auth-status', 'refused');
  frame.setAttribute('role', 'alert');
  const card = element('div');
  card.className = 'kheops-auth-card';
  frame.append(card);

  card.append(element('h1', REFUSED_TITLE));
  const message = element('p', failure.message);
  message.className = 'kheops-auth-message';
  message.setAttribute('data-kheops-auth-message', '');
  card.append(message);
  if (failure.hint) {
    const hint = element('p', failure.hint);
    hint.className = 'kheops-auth-hint';
    card.append(hint);
  }
  const reason = element('p', 'Reason code: ');
  reason.className = 'kheops-auth-reason';
  const code = element('code', failure.code);
  code.setAttribute('data-kheops-auth-code', failure.code);
  reason.append(code);
  card.append(reason);

  document.body.replaceChildren(frame);
  document.title = REFUSED_TITLE;
  return frame;
}
