import type { CornerstoneLibraries } from '../api';
import type { TimerApi } from '../../session/token-keeper';

/** sessionStorage key of the work a replaced page left behind (the tab's storage survives the navigation). */
export const KEPT_WORK_KEY = 'kheops-auth.kept-work';

interface KeptWork {
  user: string;
  study: string;
  annotations: unknown[];
}

/** Whose work, on which study: kept work comes back only to the same person on the same study. */
export interface WorkOwner {
  user(): string | undefined;
  study: string | undefined;
}

/** How long a returning page waits for its viewports before it gives the kept work up (left in storage). */
const RESTORE_WAIT_MS = 120_000;
const RESTORE_POLL_MS = 250;

type AnnotationLike = { metadata?: { FrameOfReferenceUID?: string }; isSelected?: boolean; highlighted?: boolean; invalidated?: boolean };

/**
 * A launch into this tab (KHEOPS opens the next study in the same named tab) replaces the page
 * before the viewer can ask anything: the "someone else?" question is the login page's, after the
 * unload. So instead of the browser's "Leave site?", the unsaved measurements (cornerstone's
 * annotations, which OHIF's measurements are made of) go to the tab's sessionStorage as the page
 * leaves, synchronously, and come back when this person's page of this study opens again (Cancel on
 * the question, a reload). Someone else's session in the tab never gets them.
 */
export function keepWork(storage: Storage, libraries: CornerstoneLibraries | undefined, owner: WorkOwner): void {
  const user = owner.user();
  const annotations = libraries?.cornerstoneTools?.annotation?.state?.getAllAnnotations() ?? [];
  if (!user || !owner.study || annotations.length === 0) return;
  try {
    storage.setItem(KEPT_WORK_KEY, JSON.stringify({ user, study: owner.study, annotations } satisfies KeptWork));
  } catch (error) {
    console.warn('[kheops-auth] the unsaved measurements could not be kept in the tab', error);
  }
}

function readKept(storage: Storage): KeptWork | undefined {
  try {
    const kept = JSON.parse(storage.getItem(KEPT_WORK_KEY) ?? 'null') as Partial<KeptWork> | null;
    return kept && typeof kept.user === 'string' && typeof kept.study === 'string' && Array.isArray(kept.annotations) ? (kept as KeptWork) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts the kept work back once the viewports that show its images are there (an annotation is added
 * for its frame of reference; OHIF makes a measurement of each, as for one just drawn). Returns the
 * function that stops waiting (mode exit).
 */
export function restoreKeptWork(storage: Storage, libraries: CornerstoneLibraries | undefined, owner: WorkOwner, timers: TimerApi): () => void {
  const kept = readKept(storage);
  const state = libraries?.cornerstoneTools?.annotation?.state;
  if (!kept || !state || kept.study !== owner.study) return () => undefined;
  let timer: unknown;
  let waited = 0;
  const attempt = (): void => {
    timer = undefined;
    // The person is known once the session is restored; another person's session never takes the work.
    const user = owner.user();
    if (user !== undefined && user !== kept.user) return;
    const shown = new Set((libraries.cornerstone.getEnabledElements?.() ?? []).map(element => element.viewport?.getFrameOfReferenceUID?.()).filter(Boolean));
    const annotations = kept.annotations as AnnotationLike[];
    if (user !== undefined && annotations.every(annotation => shown.has(annotation.metadata?.FrameOfReferenceUID))) {
      storage.removeItem(KEPT_WORK_KEY);
      for (const annotation of annotations) state.addAnnotation({ ...annotation, isSelected: false, highlighted: false, invalidated: true }, annotation.metadata?.FrameOfReferenceUID);
      return;
    }
    waited += RESTORE_POLL_MS;
    if (waited < RESTORE_WAIT_MS) timer = timers.set(attempt, RESTORE_POLL_MS);
  };
  attempt();
  return () => {
    if (timer !== undefined) timers.clear(timer);
  };
}
