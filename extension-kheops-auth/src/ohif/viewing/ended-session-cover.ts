/** What the cover says, and where "Back to KHEOPS" goes when the configuration gives an address. */
export interface EndedSessionCoverText {
  title: string;
  message: string;
  back?: { href: string; label: string } | undefined;
}

/** Where OHIF draws each viewport; one cover goes over each. */
export const VIEWPORT_PANE_SELECTOR = '[data-cy="viewport-pane"]';
const COVER_ATTRIBUTE = 'data-kheops-auth-ended-cover';

/**
 * Covers every viewport, present and to come (a series opened later, another layout), with a
 * notice that images can no longer load. The images already shown are covered too, by choice: the
 * session ended (sign-out, often at a shared workstation) and the next person at the screen must not
 * see the previous patient's images. Plain DOM beside OHIF's React tree; returns its remover.
 */
export function coverViewports(document: Document, text: EndedSessionCoverText): () => void {
  const make = (pane: Element): void => {
    if (pane.querySelector(`:scope > [${COVER_ATTRIBUTE}]`)) return;
    const cover = document.createElement('div');
    cover.setAttribute(COVER_ATTRIBUTE, '');
    cover.setAttribute('role', 'status');
    cover.style.cssText =
      'position:absolute;inset:0;z-index:20;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;padding:16px;text-align:center;background:#090c29;color:#e6ecf5;font:14px/1.4 Inter,system-ui,sans-serif;';
    const title = document.createElement('strong');
    title.textContent = text.title;
    title.style.cssText = 'font-size:16px;color:#9ccef9';
    const message = document.createElement('span');
    message.textContent = text.message;
    message.style.cssText = 'max-width:420px;color:#b9c3d6';
    cover.append(title, message);
    if (text.back) {
      const back = document.createElement('a');
      back.href = text.back.href;
      back.rel = 'noopener noreferrer';
      back.textContent = text.back.label;
      back.setAttribute('data-kheops-auth-back', '');
      back.style.cssText = 'margin-top:4px;padding:4px 12px;border-radius:4px;background:#5acce6;color:#090c29;font-weight:600;text-decoration:none';
      cover.append(back);
    }
    const view = document.defaultView;
    if (view && view.getComputedStyle(pane).position === 'static') (pane as HTMLElement).style.position = 'relative';
    pane.append(cover);
  };
  const coverAll = (): void => document.querySelectorAll(VIEWPORT_PANE_SELECTOR).forEach(make);
  coverAll();
  // OHIF re-creates panes when a series is opened in one or the layout changes.
  const observer = new (document.defaultView?.MutationObserver ?? MutationObserver)(coverAll);
  observer.observe(document.body, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    document.querySelectorAll(`[${COVER_ATTRIBUTE}]`).forEach(cover => cover.remove());
  };
}
