import type { CommandsManager, MeasurementService } from '../api';
import { guardUnsavedWork, workFingerprint, type UnloadTarget } from './unsaved-work-guard';

const EVENTS = {
  MEASUREMENT_ADDED: 'event::measurement_added',
  MEASUREMENT_UPDATED: 'event::measurement_updated',
  MEASUREMENT_REMOVED: 'event::measurement_removed',
  MEASUREMENTS_CLEARED: 'event::measurements_cleared',
};

interface Measurement {
  uid: string;
  toolName: string;
  label?: string;
  points: number[][];
  isSelected?: boolean;
}

/** OHIF's MeasurementService as far as the guard sees it: a list and events about it. */
class FakeMeasurementService implements MeasurementService {
  readonly EVENTS = EVENTS;
  private list: Measurement[] = [];
  private readonly listeners = new Map<string, Set<() => void>>();

  subscribe(event: string, callback: () => void) {
    const set = this.listeners.get(event) ?? new Set();
    set.add(callback);
    this.listeners.set(event, set);
    return { unsubscribe: () => set.delete(callback) };
  }
  getMeasurements(): Measurement[] {
    return this.list;
  }
  subscriberCount(): number {
    return [...this.listeners.values()].reduce((total, set) => total + set.size, 0);
  }
  private emit(event: string): void {
    this.listeners.get(event)?.forEach(listener => listener());
  }
  add(measurement: Measurement): void {
    this.list = [...this.list, measurement];
    this.emit(EVENTS.MEASUREMENT_ADDED);
  }
  update(uid: string, change: Partial<Measurement>): void {
    this.list = this.list.map(measurement => (measurement.uid === uid ? { ...measurement, ...change } : measurement));
    this.emit(EVENTS.MEASUREMENT_UPDATED);
  }
  remove(uid: string): void {
    this.list = this.list.filter(measurement => measurement.uid !== uid);
    this.emit(EVENTS.MEASUREMENT_REMOVED);
  }
  clear(): void {
    this.list = [];
    this.emit(EVENTS.MEASUREMENTS_CLEARED);
  }
}

/** OHIF's createStoreFunction command: hands out a store function per target, resolved or rejected on demand. */
function fakeCommands() {
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const definition = {
    commandFn: jest.fn((_params: Record<string, unknown>) => async (_dataset: unknown) => {
      await new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
      return 'stored';
    }),
  };
  const commands: CommandsManager = { getCommand: name => (name === 'createStoreFunction' ? definition : undefined) };
  const storeFunction = (dataSource: string) => definition.commandFn({ dataSource }) as (dataset: unknown) => Promise<unknown>;
  return { commands, storeFunction, pending, definition };
}

function fakeWindow() {
  const listeners = new Set<(event: BeforeUnloadEvent) => void>();
  const target: UnloadTarget = {
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  /** What the browser does before replacing the page: true when a listener asked it to ask. */
  const wouldAsk = (): boolean => {
    const event = { defaultPrevented: false, returnValue: undefined as unknown, preventDefault() { this.defaultPrevented = true; } };
    listeners.forEach(listener => listener(event as unknown as BeforeUnloadEvent));
    return event.defaultPrevented;
  };
  return { target, listeners, wouldAsk };
}

const length = (uid: string, x = 0): Measurement => ({ uid, toolName: 'Length', points: [[x, 0, 0], [x + 10, 0, 0]] });
const SR = { Modality: 'SR' };
const flush = () => new Promise(resolve => setTimeout(resolve, 0));

function setUp() {
  const measurements = new FakeMeasurementService();
  const store = fakeCommands();
  const page = fakeWindow();
  const { stop } = guardUnsavedWork(measurements, store.commands, page.target);
  return { measurements, store, page, stop };
}

describe('guardUnsavedWork', () => {
  it('asks before leaving only while there are measurements not stored since they were made', () => {
    const { measurements, page } = setUp();
    expect(page.listeners.size).toBe(0);
    measurements.add(length('a'));
    expect(page.listeners.size).toBe(1);
    expect(page.wouldAsk()).toBe(true);
  });

  it('stops asking once an SR with the work is stored, and asks again after a change', async () => {
    const { measurements, store, page } = setUp();
    measurements.add(length('a'));
    const saving = store.storeFunction('kheops')(SR);
    // Still unsaved while the STOW is in flight (or waiting for a sign-in).
    expect(page.wouldAsk()).toBe(true);
    store.pending[0]?.resolve();
    await expect(saving).resolves.toBe('stored');
    expect(page.listeners.size).toBe(0);
    expect(page.wouldAsk()).toBe(false);

    measurements.update('a', { points: [[1, 1, 0], [12, 0, 0]] });
    expect(page.wouldAsk()).toBe(true);
  });

  it('does not count selection or a report read back with new ids as a change', async () => {
    const { measurements, store, page } = setUp();
    measurements.add(length('a'));
    const saving = store.storeFunction('kheops')(SR);
    store.pending[0]?.resolve();
    await saving;
    measurements.update('a', { isSelected: true });
    expect(page.wouldAsk()).toBe(false);
    measurements.clear();
    measurements.add({ ...length('a-read-back'), points: [[0.001, 0, 0], [10.002, 0, 0]] });
    expect(page.wouldAsk()).toBe(false);
  });

  it('keeps a measurement made while the save was in flight unsaved', async () => {
    const { measurements, store, page } = setUp();
    measurements.add(length('a'));
    const saving = store.storeFunction('kheops')(SR);
    measurements.add(length('b', 50));
    store.pending[0]?.resolve();
    await saving;
    expect(page.wouldAsk()).toBe(true);
  });

  it('keeps the work unsaved when the store fails, or stores something that is not an SR, or keeps nothing', async () => {
    const { measurements, store, page } = setUp();
    measurements.add(length('a'));
    const failing = store.storeFunction('kheops')(SR);
    store.pending[0]?.reject(new Error('HTTP 500'));
    await expect(failing).rejects.toThrow('HTTP 500');
    const segmentation = store.storeFunction('kheops')({ Modality: 'SEG' });
    store.pending[1]?.resolve();
    await segmentation;
    const clipboard = store.storeFunction('copyToClipboard')(SR);
    store.pending[2]?.resolve();
    await clipboard;
    await flush();
    expect(page.wouldAsk()).toBe(true);
  });

  it('does not ask when every measurement was removed', () => {
    const { measurements, page } = setUp();
    measurements.add(length('a'));
    measurements.add(length('b', 5));
    measurements.remove('a');
    expect(page.wouldAsk()).toBe(true);
    measurements.remove('b');
    expect(page.listeners.size).toBe(0);
    measurements.add(length('c'));
    measurements.clear();
    expect(page.listeners.size).toBe(0);
  });

  it('lets go of everything on mode exit, and a later visit wraps the command only once', async () => {
    const { measurements, store, page, stop } = setUp();
    measurements.add(length('a'));
    stop();
    expect(page.listeners.size).toBe(0);
    expect(measurements.subscriberCount()).toBe(0);
    const wrapped = store.definition.commandFn;

    const again = fakeWindow();
    const { stop: stopAgain } = guardUnsavedWork(measurements, store.commands, again.target);
    expect(store.definition.commandFn).toBe(wrapped);
    expect(again.wouldAsk()).toBe(false);
    measurements.add(length('b', 5));
    const saving = store.storeFunction('kheops')(SR);
    store.pending[0]?.resolve();
    await saving;
    expect(again.wouldAsk()).toBe(false);
    stopAgain();
  });

  it('still guards when OHIF has no store command', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const measurements = new FakeMeasurementService();
    const page = fakeWindow();
    guardUnsavedWork(measurements, { getCommand: () => undefined }, page.target);
    measurements.add(length('a'));
    expect(page.wouldAsk()).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('createStoreFunction'));
    warn.mockRestore();
  });
});

describe('workFingerprint', () => {
  it('ignores order and ids, and sees tools, labels, images and positions', () => {
    const a = { ...length('a'), label: 'lesion 1', SOPInstanceUID: '1.2.3' };
    const b = length('b', 20);
    expect(workFingerprint([a, b])).toBe(workFingerprint([b, { ...a, uid: 'other' }]));
    expect(workFingerprint([a])).not.toBe(workFingerprint([{ ...a, label: 'lesion 2' }]));
    expect(workFingerprint([a])).not.toBe(workFingerprint([{ ...a, SOPInstanceUID: '1.2.4' }]));
    expect(workFingerprint([a])).not.toBe(workFingerprint([{ ...a, points: [[0, 0, 0], [11, 0, 0]] }]));
  });
});
