/**
 * Keeps a header item out of the way of the controls to its right.
 *
 * OHIF 3.13.2's header places its secondary toolbar section (where the session indicator is) at a
 * fixed 250 px from the left (`absolute left-[250px]`) and centres the primary toolbar over the whole
 * width, both absolutely positioned: nothing stops the two from overlapping. At 1400 px wide the
 * indicator had 5 px to spare; at 1366 and 1280 px it lay over the Length tool. So the item is given
 * at most the width up to the next control of the header row, measured again whenever the window,
 * the header or the item changes; its contents shrink into it (the name and provider end in "…",
 * the details stay one click away), and it is told the width (AVAILABLE_WIDTH_EVENT) to move what
 * does not fit into its panel.
 */

interface Span {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Told to the item (the host's child) after each measure, with `detail.width` the width it may take
 * (undefined: no limit), so that it can rearrange what it shows, not only cut it short.
 */
export const AVAILABLE_WIDTH_EVENT = 'kheops-header-available-width';

/** Space kept between the item and the next control. */
export const GAP_PX = 8;
/** Below this the item stays as it is (its dot and chevron): a header too narrow for both is OHIF's own case. */
export const MIN_WIDTH_PX = 44;

/**
 * The width the item may take: from its left edge to the nearest control that starts to its right
 * in the same row, less the gap; undefined when no control lies to its right.
 */
export function widthBeforeNextControl(item: Span, controls: Span[], gap = GAP_PX): number | undefined {
  const inRow = (control: Span) => control.top < item.bottom && item.top < control.bottom;
  const lefts = controls.filter(control => inRow(control) && control.left > item.left + 1).map(control => control.left);
  if (lefts.length === 0) return undefined;
  return Math.max(MIN_WIDTH_PX, Math.min(...lefts) - item.left - gap);
}

/** What counts as a control of the header row (OHIF's toolbar buttons are buttons, or carry data-cy="<tool>-btn"). */
const CONTROLS = 'button, a[href], [role="button"], [data-cy$="-btn"]';

/** The header row the host sits in: its nearest ancestor as wide as the page. */
function headerRow(host: HTMLElement): HTMLElement | undefined {
  const pageWidth = host.ownerDocument.documentElement.clientWidth;
  for (let node = host.parentElement; node; node = node.parentElement) {
    if (node.getBoundingClientRect().width >= pageWidth * 0.9) return node;
  }
  return undefined;
}

/** Limits `host`'s width to the space before the next header control; returns the function that stops. */
export function fitBeforeNextControl(host: HTMLElement): () => void {
  const view = host.ownerDocument.defaultView;
  if (!view || typeof view.ResizeObserver !== 'function' || typeof view.MutationObserver !== 'function') return () => undefined;
  let frame: number | undefined;
  let watchedRow: HTMLElement | undefined;
  // OHIF fills the toolbar after the header mounts, and a tool's button can change its width.
  const changed = new view.MutationObserver(soon);
  const resized = new view.ResizeObserver(soon);

  function soon(): void {
    frame ??= view!.requestAnimationFrame(measure);
  }
  function measure(): void {
    frame = undefined;
    const row = headerRow(host);
    if (!row) return;
    if (row !== watchedRow) {
      changed.disconnect();
      changed.observe(row, { childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style'] });
      watchedRow = row;
    }
    const controls = Array.from(row.querySelectorAll<HTMLElement>(CONTROLS))
      .filter(control => !host.contains(control) && !control.contains(host))
      .map(control => control.getBoundingClientRect())
      .filter(box => box.width > 0 && box.height > 0);
    const width = widthBeforeNextControl(host.getBoundingClientRect(), controls);
    const maxWidth = width === undefined ? '' : `${Math.floor(width)}px`;
    // Set only when it changes: the header's own observer sees this style change too.
    if (host.style.maxWidth !== maxWidth) host.style.maxWidth = maxWidth;
    host.firstElementChild?.dispatchEvent(new CustomEvent(AVAILABLE_WIDTH_EVENT, { detail: { width } }));
  }

  resized.observe(host.ownerDocument.documentElement);
  soon();
  return () => {
    resized.disconnect();
    changed.disconnect();
    if (frame !== undefined) view.cancelAnimationFrame(frame);
  };
}
