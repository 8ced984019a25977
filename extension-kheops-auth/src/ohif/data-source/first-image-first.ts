/**
 * The clicked series first. With `initialSeriesInstanceUID` in the URL, OHIF's defaultRouteInit
 * starts every series' metadata request at once and applies the hanging protocol only when all of
 * them have finished: in a 12-series study the clicked series (often the largest) finished last, and
 * nothing was drawn until then. It awaits the `start()` of each series load it was handed; so this
 * data source hands it loads in which only the clicked series really starts, and the other series
 * start once the first image is on screen. The hanging protocol then runs with the clicked series
 * alone (it is the display set from the URL, the one it places first) and the rest arrive in the study
 * browser afterwards, with their thumbnails (OHIF makes those only for display sets that exist).
 *
 * The study queries (OHIF's check that the study exists, the study browser's current-study query and
 * its earlier-studies lookup by patient ID) wait for the first image too: they compete with the
 * clicked series for the server and the main thread, and nothing on screen before the first image
 * needs them.
 *
 * The gate never holds anything for long: it opens at the first image, when the clicked series fails
 * or is not in the study, or after `fallbackMs` whatever happens (a series OHIF draws no image for).
 */

/** One series' metadata load as OHIF's DICOMweb data source returns it with `returnPromises: true`. */
export interface SeriesLoad {
  metadata?: { SeriesInstanceUID?: string } | undefined;
  start(): Promise<unknown>;
}

export interface FirstImageSignals {
  /** Calls `onImage` when a viewport first shows an image; returns the unsubscription. */
  onFirstImage(onImage: () => void): () => void;
  /** A timer (the fallback). */
  after(ms: number, run: () => void): void;
}

/** The cornerstone events of a viewport given its first image; dispatched on the viewport element, without bubbling. */
const NEW_IMAGE_EVENTS = ['CORNERSTONE_STACK_NEW_IMAGE', 'CORNERSTONE_VOLUME_NEW_IMAGE'] as const;

/**
 * Listens on the document in the capture phase, which sees the viewport elements' events although they
 * do not bubble; the gate opens on the next animation frame, once the image has been drawn.
 */
export function documentFirstImageSignals(doc: Document, win: Pick<Window, 'requestAnimationFrame' | 'setTimeout'>): FirstImageSignals {
  return {
    onFirstImage(onImage) {
      const listener = () => win.requestAnimationFrame(() => onImage());
      for (const type of NEW_IMAGE_EVENTS) doc.addEventListener(type, listener, { capture: true });
      return () => {
        for (const type of NEW_IMAGE_EVENTS) doc.removeEventListener(type, listener, { capture: true });
      };
    },
    after(ms, run) {
      win.setTimeout(run, ms);
    },
  };
}

/** The first `initialSeriesInstanceUID` of a query string (OHIF reads the key without regard to case and splits on commas). */
export function clickedSeriesFromSearch(search: string): string | undefined {
  for (const [key, value] of new URLSearchParams(search)) {
    if (key.toLowerCase() === 'initialseriesinstanceuid') {
      const first = value.split(',')[0]?.trim();
      if (first) return first;
    }
  }
  return undefined;
}

/** One launch's gate: closed from the first request of the study load until the first image. */
class Gate {
  readonly opened: Promise<void>;
  isOpen = false;
  private release!: () => void;
  private readonly unsubscribe: () => void;

  constructor(signals: FirstImageSignals, fallbackMs: number) {
    this.opened = new Promise<void>(resolve => {
      this.release = resolve;
    });
    this.unsubscribe = signals.onFirstImage(() => this.open());
    signals.after(fallbackMs, () => this.open());
  }

  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.unsubscribe();
    this.release();
  }
}

export interface FirstImageFirstOptions {
  signals: FirstImageSignals;
  /** The page's query string now (window.location.search). */
  search: () => string;
  /** Longest time anything waits for the first image. */
  fallbackMs?: number;
}

export const DEFAULT_FALLBACK_MS = 20_000;

export class FirstImageFirst {
  private gate: Gate | undefined;
  /** The query string the current gate was made for: a new launch in the page gets a new one. */
  private gateFor: string | undefined;

  constructor(private readonly options: FirstImageFirstOptions) {}

  /** The gate for the page's current launch, made at its first request; undefined without a clicked series. */
  private currentGate(): Gate | undefined {
    const search = this.options.search();
    if (!clickedSeriesFromSearch(search)) return undefined;
    if (!this.gate || this.gateFor !== search) {
      this.gate?.open();
      this.gate = new Gate(this.options.signals, this.options.fallbackMs ?? DEFAULT_FALLBACK_MS);
      this.gateFor = search;
    }
    return this.gate;
  }

  /** Runs `call` now, or once the first image is shown when a launch with a clicked series is still loading. */
  afterFirstImage<T>(call: () => Promise<T>): Promise<T> {
    const gate = this.currentGate();
    if (!gate || gate.isOpen) return call();
    return gate.opened.then(call);
  }

  /**
   * The series loads with only the clicked series' `start()` doing anything before the first image.
   * The others' `start()` returns at once (defaultRouteInit only awaits it) and really starts the
   * load when the gate opens; called again after that, it returns the load's own promise.
   */
  orderSeriesLoads<T extends SeriesLoad>(loads: T[]): T[] {
    const clicked = clickedSeriesFromSearch(this.options.search());
    const gate = this.currentGate();
    if (!clicked || !gate || gate.isOpen) return loads;
    if (!loads.some(load => load.metadata?.SeriesInstanceUID === clicked)) {
      // Not in this study (OHIF and the missing-series notice say so): nothing to put first.
      gate.open();
      return loads;
    }
    return loads.map(load => {
      if (load.metadata?.SeriesInstanceUID === clicked) {
        return {
          ...load,
          start: () => {
            const started = load.start();
            started.catch(() => gate.open());
            return started;
          },
        };
      }
      let started: Promise<unknown> | undefined;
      const startNow = () => (started ??= load.start());
      return {
        ...load,
        start: () => {
          if (started || gate.isOpen) return startNow();
          void gate.opened.then(() => startNow().catch(() => undefined));
          return Promise.resolve([]);
        },
      };
    });
  }
}
