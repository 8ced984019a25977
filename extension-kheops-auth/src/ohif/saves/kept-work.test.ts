import { MemoryStorage } from '../../__tests__/memory-storage';
import type { CornerstoneLibraries } from '../api';
import { KEPT_WORK_KEY, keepWork, restoreKeptWork } from './kept-work';

const FOR = '1.2.3.4';
const length = { annotationUID: 'u1', metadata: { toolName: 'Length', FrameOfReferenceUID: FOR }, data: { handles: { points: [[0, 0, 0], [1, 0, 0]] } }, isSelected: true };

function cornerstone(annotations: unknown[], frames: string[]) {
  const added: unknown[] = [];
  const libraries: CornerstoneLibraries = {
    cornerstone: { getEnabledElements: () => frames.map(frame => ({ viewport: { getFrameOfReferenceUID: () => frame } })) },
    cornerstoneTools: { annotation: { state: { getAllAnnotations: () => annotations, addAnnotation: (annotation: unknown) => (added.push(annotation), 'id') } } },
  };
  return { libraries, added, frames };
}

function manualTimers() {
  const pending: Array<() => void> = [];
  return { timers: { set: (callback: () => void) => pending.push(callback), clear: () => undefined }, tick: () => pending.splice(0).forEach(run => run()) };
}

describe('kept work', () => {
  it('comes back once, to the same person on the same study, when its images are shown', () => {
    const storage = new MemoryStorage();
    keepWork(storage, cornerstone([length], []).libraries, { user: () => 'alice', study: '9.9' });
    expect(storage.getItem(KEPT_WORK_KEY)).not.toBeNull();

    const later = cornerstone([], []);
    const { timers, tick } = manualTimers();
    restoreKeptWork(storage, later.libraries, { user: () => 'alice', study: '9.9' }, timers);
    expect(later.added).toEqual([]);
    later.frames.push(FOR);
    tick();
    expect(later.added).toEqual([{ ...length, isSelected: false, highlighted: false, invalidated: true }]);
    expect(storage.getItem(KEPT_WORK_KEY)).toBeNull();
  });

  it('never goes to someone else, nor to another study', () => {
    const storage = new MemoryStorage();
    keepWork(storage, cornerstone([length], []).libraries, { user: () => 'alice', study: '9.9' });
    const { timers } = manualTimers();
    const bob = cornerstone([], [FOR]);
    restoreKeptWork(storage, bob.libraries, { user: () => 'bob', study: '9.9' }, timers);
    const otherStudy = cornerstone([], [FOR]);
    restoreKeptWork(storage, otherStudy.libraries, { user: () => 'alice', study: '8.8' }, timers);
    expect(bob.added).toEqual([]);
    expect(otherStudy.added).toEqual([]);
    // Still kept for alice's page of that study.
    expect(storage.getItem(KEPT_WORK_KEY)).not.toBeNull();
  });

  it('keeps nothing without annotations or without a person', () => {
    const storage = new MemoryStorage();
    keepWork(storage, cornerstone([], []).libraries, { user: () => 'alice', study: '9.9' });
    keepWork(storage, cornerstone([length], []).libraries, { user: () => undefined, study: '9.9' });
    expect(storage.getItem(KEPT_WORK_KEY)).toBeNull();
  });
});
