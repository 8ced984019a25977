import { missingRequestedSeries, missingSeriesMessage } from '../launch/requested-series';

/** The slices of OHIF's services the notice uses. */
export interface NoticeServices {
  hangingProtocolService: {
    EVENTS: { PROTOCOL_CHANGED: string };
    subscribe(event: string, callback: () => void): { unsubscribe: () => void };
  };
  displaySetService: { getActiveDisplaySets(): Array<{ SeriesInstanceUID?: string }> };
  uiNotificationService: { show(notification: { title: string; message: string; type: string; duration?: number }): void };
}

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
