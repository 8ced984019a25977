import { browserTimers } from '../../session/token-keeper';
import { showSessionBadge, type BadgeSession } from './session-badge';

/**
 * The session indicator in the viewer page, with the browser's clock and timers; `place` puts it in
 * OHIF's header (ohif/header/). Returns its remover.
 */
export function enterSessionBadge(
  session: BadgeSession,
  unsavedMeasurements: () => number,
  returnUri: string | undefined,
  note?: () => string | undefined,
  place?: (indicator: HTMLElement) => () => void,
): () => void {
  if (typeof document === 'undefined') return () => undefined;
  return showSessionBadge(session, {
    document,
    now: () => Date.now(),
    timers: browserTimers,
    returnUri,
    measurementCount: unsavedMeasurements,
    ...(note ? { note } : {}),
    ...(place ? { place } : {}),
  });
}
