import type { MeasurementService } from '../api';
import { browserTimers } from '../../session/token-keeper';
import { showSessionBadge, type BadgeSession } from './session-badge';

/** The OHIF service whose measurements signing out asks about. */
export type BadgeServices = { measurementService?: Pick<MeasurementService, 'getMeasurements'> | undefined };

/**
 * The session indicator in the viewer page, with the browser's clock and timers; `place` puts it in
 * OHIF's header (ohif/header/). Returns its remover.
 */
export function enterSessionBadge(
  session: BadgeSession,
  services: BadgeServices,
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
    measurementCount: () => services.measurementService?.getMeasurements().length ?? 0,
    ...(note ? { note } : {}),
    ...(place ? { place } : {}),
  });
}
