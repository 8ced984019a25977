import type { DisplaySet } from '../api';
import type { TimerApi } from '../../session/token-keeper';
import { findLatestSavedReport } from './saved-report-reopen';

const STUDY = '1.2.3';

/** Timers run only when the test says so, one look at a time. */
function manualTimers(): TimerApi & { fire(): void; pending(): number } {
  const waiting = new Map<number, () => void>();
  let next = 0;
  return {
    set(callback) {
      waiting.set(++next, callback);
      return next;
    },
    clear(handle) {
      waiting.delete(handle as number);
    },
    fire() {
      const callbacks = [...waiting.values()];
      waiting.clear();
      callbacks.forEach(callback => callback());
    },
    pending: () => waiting.size,
  };
}

function report(uid: string, time: string, extra: Partial<DisplaySet> = {}): DisplaySet {
  return { displaySetInstanceUID: uid, SeriesInstanceUID: `series-${uid}`, StudyInstanceUID: STUDY, Modality: 'SR', SeriesDescription: uid, SeriesDate: '20261202', SeriesTime: time, isLoaded: true, isRehydratable: true, isHydrated: false, ...extra };
}

function setup(initial: DisplaySet[]) {
  const displaySets = [...initial];
  const timers = manualTimers();
  const offers: Array<{ name: string | undefined; show: () => void }> = [];
  const run = jest.fn();
  const measurements: unknown[] = [];
  const cancel = findLatestSavedReport({
    studyInstanceUID: STUDY,
    displaySetService: { getActiveDisplaySets: () => displaySets },
    measurementService: { getMeasurements: () => measurements as never[] },
    viewportGridService: { getState: () => ({ viewports: new Map([['one', { displaySetInstanceUIDs: ['ct'] }]]) }), getActiveViewportId: () => 'one' } as never,
    commandsManager: { getCommand: () => ({ commandFn: () => undefined }), run } as never,
    timers,
    onFound: (found, show) => void offers.push({ name: found.SeriesDescription, show }),
  });
  return { displaySets, timers, offers, run, cancel };
}

/** Lets the look's awaited `load()` settle. */
const settled = () => new Promise(resolve => setImmediate(resolve));

test('offers the newest report OHIF can draw again, passing over a newer one it cannot', async () => {
  const { offers } = setup([report('older', '101500'), report('newest', '111500'), report('foreign', '121500', { isRehydratable: false })]);
  await settled();
  expect(offers.map(offer => offer.name)).toEqual(['newest']);
});

test('a newer report that arrives after the first offer replaces it', async () => {
  // The clicked series comes first: another series' older report can be the first SR the study has.
  const { displaySets, timers, offers } = setup([report('keycloak-backed', '101500')]);
  await settled();
  expect(offers.map(offer => offer.name)).toEqual(['keycloak-backed']);
  displaySets.push(report('reopened', '111500'));
  timers.fire();
  await settled();
  expect(offers.map(offer => offer.name)).toEqual(['keycloak-backed', 'reopened']);
  // An older one arriving later changes nothing.
  displaySets.push(report('oldest', '091500'));
  timers.fire();
  await settled();
  expect(offers).toHaveLength(2);
});

test('a report still to be read is read before it is offered', async () => {
  const late = report('late', '111500', { isLoaded: false, isRehydratable: false });
  late.load = jest.fn(async () => {
    late.isLoaded = true;
    late.isRehydratable = true;
  });
  const { offers } = setup([late]);
  await settled();
  expect(late.load).toHaveBeenCalledTimes(1);
  expect(offers.map(offer => offer.name)).toEqual(['late']);
});

test('once the offer is taken it draws that report, and nothing newer is offered', async () => {
  const { displaySets, timers, offers, run } = setup([report('first', '101500')]);
  await settled();
  offers[0]!.show();
  expect(run).toHaveBeenCalledWith('loadTrackedSRMeasurements', { displaySetInstanceUID: 'first', SeriesInstanceUID: 'series-first', viewportId: 'one' });
  expect(timers.pending()).toBe(0);
  displaySets.push(report('second', '111500'));
  timers.fire();
  await settled();
  expect(offers).toHaveLength(1);
});

test('nothing is offered before OHIF shows images, and the canceller stops the look', async () => {
  const displaySets = [report('only', '101500')];
  const timers = manualTimers();
  const onFound = jest.fn();
  const grid = { viewports: new Map<string, { displaySetInstanceUIDs: string[] }>() };
  const cancel = findLatestSavedReport({
    studyInstanceUID: STUDY,
    displaySetService: { getActiveDisplaySets: () => displaySets },
    measurementService: { getMeasurements: () => [] },
    viewportGridService: { getState: () => grid, getActiveViewportId: () => 'one' } as never,
    commandsManager: { getCommand: () => ({ commandFn: () => undefined }), run: jest.fn() } as never,
    timers,
    onFound,
  });
  await settled();
  expect(onFound).not.toHaveBeenCalled();
  grid.viewports.set('one', { displaySetInstanceUIDs: ['ct'] });
  timers.fire();
  await settled();
  expect(onFound).toHaveBeenCalledTimes(1);
  cancel();
  expect(timers.pending()).toBe(0);
});
