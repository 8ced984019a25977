import type { Services } from '../api';
import { missingRequestedSeries, missingSeriesMessage } from '../../launch/requested-series';

/** The OHIF services the notice uses. */
export type NoticeServices = Pick<Services, 'hangingProtocolService' | 'displaySetService' | 'uiNotificationService'>;

/**
 * With a series named in the URL, OHIF loads every series of the study before it applies the first
 * hanging protocol, so at the first PROTOCOL_CHANGED the study's display sets are complete and a
 * missing series can be told apart from one still loading. Returns the unsubscribe function.
 */
export function watchRequestedSeries(services: NoticeServices, search: () => string): () => void {
  const { hangingProtocolService, displaySetService, uiNotificationService } = services;
  const subscription = hangingProtocolService.subscribe(hangingProtocolService.EVENTS.PROTOCOL_CHANGED, () => {
    subscription.unsubscribe();
    const present = displaySetService.getActiveDisplaySets().flatMap(displaySet => (displaySet.SeriesInstanceUID ? [displaySet.SeriesInstanceUID] : []));
    const missing = missingRequestedSeries(search(), present);
    if (missing.length > 0) {
      uiNotificationService.show({ title: 'Series not found', message: missingSeriesMessage(missing), type: 'warning', duration: 15_000 });
    }
  });
  return () => subscription.unsubscribe();
}
