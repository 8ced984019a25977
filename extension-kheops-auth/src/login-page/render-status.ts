import type { QuestionView, UnchangedView } from '../launch/launch-conflict';
import type { RefusalView } from '../login/describe-refusal';

type Status = 'refused' | 'confirm' | 'unchanged';

/**
 * Replaces the page's content with a card, in plain DOM with the same text and data attributes as
 * routes/StatusPage.tsx, so deployers and tests find the same reason codes and buttons whichever
 * login page answered. Text only (textContent): messages may quote attacker-controlled launch parameters.
 */
function renderCard(document: Document, status: Status, title: string, fill: (card: HTMLElement, element: ElementMaker) => void): HTMLElement {
  const element: ElementMaker = (tag, text) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const frame = element('div');
  frame.className = 'kheops-auth-frame';
  frame.setAttribute('data-kheops-auth-status', status);
  frame.setAttribute('role', status === 'refused' ? 'alert' : 'status');
  const card = element('div');
  card.className = 'kheops-auth-card';
  frame.append(card);
  card.append(element('h1', title));
  fill(card, element);
  document.body.replaceChildren(frame);
  document.title = title;
  return frame;
}

type ElementMaker = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string) => HTMLElementTagNameMap[K];

function message(card: HTMLElement, element: ElementMaker, text: string): void {
  const paragraph = element('p', text);
  paragraph.className = 'kheops-auth-message';
  paragraph.setAttribute('data-kheops-auth-message', '');
  card.append(paragraph);
}

/** The refusal: the clinician's sentence, "Back to KHEOPS" when configured, then the reason code and the fix for IT. */
export function renderRefusal(document: Document, view: RefusalView): HTMLElement {
  return renderCard(document, 'refused', view.title, (card, element) => {
    message(card, element, view.sentence);
    if (view.back) {
      const back = element('a', view.back.label);
      back.className = 'kheops-auth-back';
      back.href = view.back.href;
      back.rel = 'noopener noreferrer';
      back.setAttribute('data-kheops-auth-back', '');
      const line = element('p');
      line.append(back);
      card.append(line);
    }
    const forIt = element('div');
    forIt.className = 'kheops-auth-reason';
    forIt.setAttribute('data-kheops-auth-it', '');
    const reason = element('p', 'For IT: reason code ');
    const code = element('code', view.code);
    code.setAttribute('data-kheops-auth-code', view.code);
    reason.append(code);
    const fix = element('p', view.fix);
    fix.setAttribute('data-kheops-auth-fix', '');
    forIt.append(reason, fix);
    if (view.detail) {
      const detail = element('p', view.detail);
      detail.setAttribute('data-kheops-auth-detail', '');
      forIt.append(detail);
    }
    card.append(forIt);
  });
}

export interface QuestionHandlers {
  onContinue(): void;
  onCancel(): void;
}

/** Asks before a launch replaces the tab's session; each button answers once (no double submission). */
export function renderQuestion(document: Document, view: QuestionView, handlers: QuestionHandlers): HTMLElement {
  return renderCard(document, 'confirm', view.title, (card, element) => {
    message(card, element, view.message);
    const actions = element('div');
    actions.className = 'kheops-auth-actions';
    const buttons: HTMLButtonElement[] = [];
    const button = (label: string, action: 'continue' | 'cancel', handler: () => void) => {
      const node = element('button', label);
      node.type = 'button';
      node.setAttribute('data-kheops-auth-action', action);
      node.addEventListener('click', () => {
        buttons.forEach(each => (each.disabled = true));
        handler();
      });
      buttons.push(node);
      actions.append(node);
    };
    button(view.continueLabel, 'continue', handlers.onContinue);
    button(view.cancelLabel, 'cancel', handlers.onCancel);
    card.append(actions);
  });
}

/** After a cancelled launch with no viewer page to return to. */
export function renderUnchanged(document: Document, view: UnchangedView): HTMLElement {
  return renderCard(document, 'unchanged', view.title, (card, element) => message(card, element, view.message));
}
