import type { CornerstoneLibraries } from '../api';
import { MIP_VIEWPORT_ID } from './mip-protocol';
import { paceMipRedrawsWhileStreaming } from './mip-streaming-redraws';

const MODIFIED = 'CORNERSTONE_IMAGE_VOLUME_MODIFIED';
const RENDERED = 'CORNERSTONE_IMAGE_RENDERED';
/** Cornerstone's own rule for 64 frames: a redraw each time another 1.28 frames (2 %) have arrived. */
const EVERY_TWO_PERCENT = 50;

/**
 * A page streaming one volume into a viewport, as OHIF 3.13.2's cornerstone does: each arriving frame
 * is announced (IMAGE_VOLUME_MODIFIED), then the volume redraws once more frames than
 * `reRenderTarget` have arrived or at the last one, moving the target on by `reRenderFraction`. A
 * redraw (the volume's or one asked with `viewport.render()`) happens after the frame's handlers,
 * blocks the page for `renderMs` and ends with IMAGE_RENDERED on the viewport's element; frames
 * that arrive meanwhile wait for it.
 */
class StreamingPage {
  clock = 0;
  readonly events = new EventTarget();
  /** The viewport's element: only its events are used. */
  readonly element = new EventTarget() as unknown as HTMLElement;
  reRenderFraction: number;
  reRenderTarget: number;
  readonly volumeRedrawsAt: number[] = [];
  readonly askedAt: number[] = [];
  private asked = false;

  constructor(readonly totalNumFrames: number, private readonly renderMs: number, readonly shownInMip = true) {
    this.reRenderFraction = totalNumFrames * 0.02;
    this.reRenderTarget = this.reRenderFraction;
  }

  libraries(): CornerstoneLibraries {
    const viewport = { element: this.element, hasVolumeId: (volumeId: string) => this.shownInMip && volumeId === 'ct', render: () => void (this.asked = true) };
    return {
      cornerstone: {
        Enums: { Events: { IMAGE_VOLUME_MODIFIED: MODIFIED, IMAGE_RENDERED: RENDERED } },
        eventTarget: this.events,
        cache: { getVolume: volumeId => (volumeId === 'ct' ? this : undefined) },
        getEnabledElementByViewportId: viewportId => (viewportId === MIP_VIEWPORT_ID ? { viewport } : undefined),
      },
    };
  }

  /** Frames arrive every `everyMs`, or as soon as the page is free again. */
  stream(everyMs: number): void {
    let due = 0;
    for (let frame = 1; frame <= this.totalNumFrames; frame++) {
      due += everyMs;
      this.clock = Math.max(this.clock, due);
      this.events.dispatchEvent(new CustomEvent(MODIFIED, { detail: { volumeId: 'ct', numberOfFrames: this.totalNumFrames, framesProcessed: frame } }));
      let redraw = false;
      if (frame > this.reRenderTarget || frame === this.totalNumFrames) {
        this.reRenderTarget += this.reRenderFraction;
        this.volumeRedrawsAt.push(frame);
        redraw = true;
      }
      if (this.asked) this.askedAt.push(frame);
      if (redraw || this.asked) {
        this.asked = false;
        this.clock += this.renderMs;
        this.element.dispatchEvent(new CustomEvent(RENDERED));
      }
    }
  }
}

function paced(page: StreamingPage) {
  return paceMipRedrawsWhileStreaming(page.libraries(), { now: () => page.clock });
}

test('without a GPU (a redraw blocks the page 1.35 s) the MIP is drawn at its first frames, a few times between, and at its last', () => {
  const page = new StreamingPage(64, 1350);
  const stop = paced(page);
  // A slow link: a frame each 100 ms.
  page.stream(100);
  stop();
  expect(page.volumeRedrawsAt).toEqual([2, 64]);
  // The first one asked (250 ms after the page was free again) is measured: the next would wait three
  // times as long as it took, 4 s, and by then the volume is complete.
  expect(page.askedAt).toEqual([18]);
});

test('with a GPU (a redraw takes 10 ms) it builds up four times a second while the frames arrive', () => {
  const page = new StreamingPage(64, 10);
  const stop = paced(page);
  page.stream(40);
  stop();
  expect(page.volumeRedrawsAt).toEqual([2, 64]);
  // 64 frames over 2.6 s: a redraw each 250 ms or so, not one for every frame.
  expect(page.askedAt.length).toBeGreaterThanOrEqual(8);
  expect(page.askedAt.length).toBeLessThanOrEqual(11);
  const gaps = page.askedAt.slice(1).map((frame, index) => frame - page.askedAt[index]!);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(6);
});

test("cornerstone's own rule stays for a volume the MIP does not show, and once stopped", () => {
  const elsewhere = new StreamingPage(64, 10, false);
  const stopElsewhere = paced(elsewhere);
  elsewhere.stream(40);
  stopElsewhere();
  expect(elsewhere.volumeRedrawsAt).toHaveLength(EVERY_TWO_PERCENT);
  expect(elsewhere.askedAt).toEqual([]);

  const stopped = new StreamingPage(64, 10);
  paced(stopped)();
  stopped.stream(40);
  expect(stopped.volumeRedrawsAt).toHaveLength(EVERY_TWO_PERCENT);
  expect(stopped.askedAt).toEqual([]);
});

test('without the parts it needs from cornerstone it changes nothing and does not throw', () => {
  expect(() => paceMipRedrawsWhileStreaming(undefined)()).not.toThrow();
  expect(() => paceMipRedrawsWhileStreaming({ cornerstone: {} })()).not.toThrow();
  const page = new StreamingPage(64, 10);
  const libraries = page.libraries();
  delete libraries.cornerstone.getEnabledElementByViewportId;
  const stop = paceMipRedrawsWhileStreaming(libraries, { now: () => page.clock });
  page.stream(40);
  stop();
  expect(page.volumeRedrawsAt).toHaveLength(EVERY_TWO_PERCENT);
});
