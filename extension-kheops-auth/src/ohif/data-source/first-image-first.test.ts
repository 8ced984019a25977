/**
 * @jest-environment jsdom
 */
import { clickedSeriesFromSearch, documentFirstImageSignals, FirstImageFirst, type FirstImageSignals, type SeriesLoad } from './first-image-first';

const STUDY = '1.2.3';
const CLICKED = '1.2.3.7';

function fakeSignals() {
  let onImage: (() => void) | undefined;
  const timers: Array<{ ms: number; run: () => void }> = [];
  const signals: FirstImageSignals = {
    onFirstImage(callback) {
      onImage = callback;
      return () => {
        onImage = undefined;
      };
    },
    after(ms, run) {
      timers.push({ ms, run });
    },
  };
  return { signals, timers, showFirstImage: () => onImage?.(), subscribed: () => onImage !== undefined };
}

/** Series loads that record the order in which their requests really start. */
function seriesLoads(uids: string[]) {
  const started: string[] = [];
  const finish = new Map<string, (value: unknown) => void>();
  const fail = new Map<string, (error: unknown) => void>();
  const loads: SeriesLoad[] = uids.map(uid => {
    let promise: Promise<unknown> | undefined;
    return {
      metadata: { SeriesInstanceUID: uid },
      start: () =>
        (promise ??= new Promise((resolve, reject) => {
          started.push(uid);
          finish.set(uid, resolve);
          fail.set(uid, reject);
        })),
    };
  });
  return { loads, started, finish, fail };
}

const flush = () => new Promise(resolve => setTimeout(resolve, 0));
const twelve = Array.from({ length: 12 }, (_, i) => `${STUDY}.${i + 1}`);
const search = `?StudyInstanceUIDs=${STUDY}&initialSeriesInstanceUID=${CLICKED}`;

test('reads the clicked series as OHIF does: any case of the key, the first of a list', () => {
  expect(clickedSeriesFromSearch(`?initialseriesinstanceuid=${CLICKED},9.9`)).toBe(CLICKED);
  expect(clickedSeriesFromSearch(search)).toBe(CLICKED);
  expect(clickedSeriesFromSearch(`?StudyInstanceUIDs=${STUDY}`)).toBeUndefined();
});

test("only the clicked series' metadata starts before the first image; the others start after it", async () => {
  const fake = fakeSignals();
  const order = new FirstImageFirst({ signals: fake.signals, search: () => search });
  const { loads, started, finish } = seriesLoads(twelve);

  // What defaultRouteInit does with a display set from the URL: start all, await all, hang.
  const ordered = order.orderSeriesLoads(loads);
  const allStarted = Promise.allSettled(ordered.map(load => load.start()));
  expect(started).toEqual([CLICKED]);

  let hung = false;
  void allStarted.then(() => {
    hung = true;
  });
  await flush();
  expect(hung).toBe(false); // the clicked series is still loading
  finish.get(CLICKED)?.([]);
  await flush();
  expect(hung).toBe(true); // the protocol runs with the clicked series alone
  expect(started).toEqual([CLICKED]);

  fake.showFirstImage();
  await flush();
  expect(started).toEqual([CLICKED, ...twelve.filter(uid => uid !== CLICKED)]);
  expect(fake.subscribed()).toBe(false);
});

test('a deferred series started again after the first image returns its real load', async () => {
  const fake = fakeSignals();
  const order = new FirstImageFirst({ signals: fake.signals, search: () => search });
  const { loads, finish } = seriesLoads(twelve);
  const ordered = order.orderSeriesLoads(loads);
  const other = ordered[0] as SeriesLoad;
  await expect(other.start()).resolves.toEqual([]);
  fake.showFirstImage();
  await flush();
  const real = other.start();
  finish.get(twelve[0] as string)?.(['instance']);
  await expect(real).resolves.toEqual(['instance']);
});

test('study queries wait for the first image, then go out', async () => {
  const fake = fakeSignals();
  const order = new FirstImageFirst({ signals: fake.signals, search: () => search });
  const query = jest.fn(async () => [{ StudyInstanceUID: STUDY }]);
  const answer = order.afterFirstImage(query);
  await flush();
  expect(query).not.toHaveBeenCalled();
  fake.showFirstImage();
  await expect(answer).resolves.toEqual([{ StudyInstanceUID: STUDY }]);
  expect(query).toHaveBeenCalledTimes(1);
  // After the first image nothing waits.
  await order.afterFirstImage(query);
  expect(query).toHaveBeenCalledTimes(2);
});

test('without a clicked series OHIF keeps its own order', async () => {
  const fake = fakeSignals();
  const order = new FirstImageFirst({ signals: fake.signals, search: () => `?StudyInstanceUIDs=${STUDY}` });
  const { loads, started } = seriesLoads(twelve);
  order.orderSeriesLoads(loads).forEach(load => void load.start());
  expect(started).toEqual(twelve);
  const query = jest.fn(async () => []);
  await order.afterFirstImage(query);
  expect(query).toHaveBeenCalled();
});

test('a clicked series that is not in the study holds nothing back', async () => {
  const fake = fakeSignals();
  const order = new FirstImageFirst({ signals: fake.signals, search: () => `?StudyInstanceUIDs=${STUDY}&initialSeriesInstanceUID=9.9.9` });
  const query = jest.fn(async () => []);
  const answer = order.afterFirstImage(query);
  const { loads, started } = seriesLoads(twelve);
  order.orderSeriesLoads(loads).forEach(load => void load.start());
  expect(started).toEqual(twelve);
  await answer;
  expect(query).toHaveBeenCalled();
});

test('a failed clicked series opens the gate for the others', async () => {
  const fake = fakeSignals();
  const order = new FirstImageFirst({ signals: fake.signals, search: () => search });
  const { loads, started, fail } = seriesLoads(twelve);
  const ordered = order.orderSeriesLoads(loads);
  const clicked = ordered.find(load => load.metadata?.SeriesInstanceUID === CLICKED) as SeriesLoad;
  ordered.forEach(load => void load.start().catch(() => undefined));
  fail.get(CLICKED)?.(new Error('HTTP 500'));
  await expect(clicked.start()).rejects.toThrow('HTTP 500');
  await flush();
  expect(started).toHaveLength(12);
});

test('the fallback opens the gate when no image ever comes', async () => {
  const fake = fakeSignals();
  const order = new FirstImageFirst({ signals: fake.signals, search: () => search, fallbackMs: 1234 });
  const { loads, started } = seriesLoads(twelve);
  order.orderSeriesLoads(loads).forEach(load => void load.start());
  expect(fake.timers.map(timer => timer.ms)).toEqual([1234]);
  fake.timers[0]?.run();
  await flush();
  expect(started).toHaveLength(12);
});

test('a new launch in the same page gets a new gate', async () => {
  const fake = fakeSignals();
  let current = search;
  const order = new FirstImageFirst({ signals: fake.signals, search: () => current });
  order.orderSeriesLoads(seriesLoads(twelve).loads);
  fake.showFirstImage();
  current = `?StudyInstanceUIDs=${STUDY}&initialSeriesInstanceUID=${twelve[0]}`;
  const { loads, started } = seriesLoads(twelve);
  order.orderSeriesLoads(loads).forEach(load => void load.start());
  expect(started).toEqual([twelve[0]]);
});

test("the document signal: a viewport's new-image event, which does not bubble, seen in the capture phase", () => {
  const onImage = jest.fn();
  const frames: Array<() => void> = [];
  const signals = documentFirstImageSignals(document, { requestAnimationFrame: (run: FrameRequestCallback) => frames.push(() => run(0)), setTimeout } as never);
  const unsubscribe = signals.onFirstImage(onImage);
  const viewport = document.createElement('div');
  document.body.append(viewport);
  viewport.dispatchEvent(new CustomEvent('CORNERSTONE_STACK_NEW_IMAGE', { detail: {} }));
  expect(onImage).not.toHaveBeenCalled(); // drawn on the next frame
  frames.forEach(run => run());
  expect(onImage).toHaveBeenCalledTimes(1);
  unsubscribe();
  viewport.dispatchEvent(new CustomEvent('CORNERSTONE_STACK_NEW_IMAGE', { detail: {} }));
  frames.slice(1).forEach(run => run());
  expect(onImage).toHaveBeenCalledTimes(1);
});
