import type { CornerstoneLibraries } from '../api';
import { MIP_VIEWPORT_ID } from './mip-protocol';

/**
 * The MIP's redraws while its volume streams in, paced by what a redraw costs on this machine.
 *
 * OHIF 3.13.2's cornerstone (BaseStreamingImageVolume) redraws every viewport of a streaming volume
 * each time another 2 % of its frames has arrived: for a 64-slice series, after nearly every slice.
 * A stack or MPR redraw is cheap; a MIP redraw casts a ray through the whole volume for every pixel.
 * Without a GPU (software GL, as on many hospital virtual desktops and on the bench's machine) one
 * took about 1.35 s, and the MIP layout spent 10.9 of its 12 s in eight of them (CPU profile in
 * docs/performance.md). Each blocks the page, and the frames that arrive meanwhile wait for it, so
 * more redraws also mean a slower load.
 *
 * So, for the volume the MIP viewport shows, cornerstone's own rule is left with its first redraw
 * (the MIP appears as early as before) and its last (complete as soon as the data is), and the
 * redraws in between are asked for here: no sooner than `minIntervalMs` after the last one, and so
 * that redraws take at most `renderShare` of the time, measured on each one asked for (from the ask
 * to cornerstone's IMAGE_RENDERED; the measure is kept for the next volume, it is the machine's). With
 * a GPU that is four times a second; in software GL, once in a few seconds.
 *
 * The count rule is the volume's `reRenderFraction` (frames between redraws), which cornerstone sets
 * when the load starts and reads at each arriving frame, after announcing it with
 * IMAGE_VOLUME_MODIFIED: set in that event, it applies from that frame on. Not a documented
 * interface, so each part is checked and, when one is missing, nothing changes.
 */
export interface RedrawPacing {
  viewportId?: string;
  now?: () => number;
  minIntervalMs?: number;
  renderShare?: number;
}

export const MIP_REDRAW_MIN_INTERVAL_MS = 250;
export const MIP_REDRAW_RENDER_SHARE = 0.25;

interface WatchedViewport {
  element?: HTMLElement;
  hasVolumeId?: (volumeId: string) => boolean;
  render?: () => void;
}

export function paceMipRedrawsWhileStreaming(libraries: CornerstoneLibraries | undefined, pacing: RedrawPacing = {}): () => void {
  const { viewportId = MIP_VIEWPORT_ID, now = () => performance.now(), minIntervalMs = MIP_REDRAW_MIN_INTERVAL_MS, renderShare = MIP_REDRAW_RENDER_SHARE } = pacing;
  const cornerstone = libraries?.cornerstone;
  const modified = cornerstone?.Enums?.Events?.IMAGE_VOLUME_MODIFIED;
  const rendered = cornerstone?.Enums?.Events?.IMAGE_RENDERED;
  const target = cornerstone?.eventTarget;
  const cache = cornerstone?.cache;
  if (!cornerstone || !modified || !rendered || !target || !cache) return () => undefined;

  let watched: HTMLElement | undefined;
  let streaming: string | undefined;
  let lastDrawnAt = 0;
  let askedAt: number | undefined;
  let gapMs = minIntervalMs;

  const onRendered = (): void => {
    const at = now();
    if (askedAt !== undefined) gapMs = Math.max(minIntervalMs, ((at - askedAt) * (1 - renderShare)) / renderShare);
    askedAt = undefined;
    lastDrawnAt = at;
  };
  const watch = (element: HTMLElement | undefined): void => {
    if (element === watched) return;
    watched?.removeEventListener(rendered, onRendered);
    watched = element;
    watched?.addEventListener(rendered, onRendered);
  };

  const onModified = (event: Event): void => {
    const detail = (event as CustomEvent<{ volumeId?: unknown; numberOfFrames?: unknown; framesProcessed?: unknown } | undefined>).detail;
    const volumeId = detail?.volumeId;
    if (typeof volumeId !== 'string') return;
    const viewport = cornerstone.getEnabledElementByViewportId?.(viewportId)?.viewport as WatchedViewport | undefined;
    if (!viewport?.hasVolumeId?.(volumeId) || typeof viewport.render !== 'function') return;
    const volume = cache.getVolume(volumeId);
    if (!volume || typeof volume.reRenderFraction !== 'number' || typeof volume.totalNumFrames !== 'number') return;
    watch(viewport.element);
    // From here on cornerstone redraws only at the last frame.
    volume.reRenderFraction = Math.max(volume.reRenderFraction, volume.totalNumFrames);
    if (detail?.framesProcessed === detail?.numberOfFrames) return;
    const at = now();
    if (volumeId !== streaming) {
      // A new volume: the interval starts at its first frame, which cornerstone's first redraw follows.
      streaming = volumeId;
      lastDrawnAt = at;
      askedAt = undefined;
    }
    if (askedAt === undefined && at - lastDrawnAt >= gapMs) {
      askedAt = at;
      viewport.render();
    }
  };
  target.addEventListener(modified, onModified);
  return () => {
    target.removeEventListener(modified, onModified);
    watch(undefined);
  };
}
