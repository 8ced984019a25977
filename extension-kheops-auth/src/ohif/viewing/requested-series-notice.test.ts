import { watchRequestedSeries, type NoticeServices } from './requested-series-notice';

function fakeServices(seriesInStudy: string[]) {
  const listeners: Array<() => void> = [];
  const shown: Array<{ title: string; message: string; type: string }> = [];
  const services: NoticeServices = {
    hangingProtocolService: {
      EVENTS: { PROTOCOL_CHANGED: 'changed' },
      subscribe: (_event, callback) => {
        listeners.push(callback);
        return { unsubscribe: () => listeners.splice(listeners.indexOf(callback), 1) };
      },
    },
    displaySetService: { getActiveDisplaySets: () => seriesInStudy.map(SeriesInstanceUID => ({ SeriesInstanceUID })) },
    uiNotificationService: { show: notification => shown.push(notification) },
  };
  const protocolChanged = () => [...listeners].forEach(listener => listener());
  return { services, shown, listeners, protocolChanged };
}

describe('watchRequestedSeries', () => {
  test('warns once, at the first hanging protocol, when the clicked series is not in the study', () => {
    const { services, shown, listeners, protocolChanged } = fakeServices(['1.1', '1.2']);
    watchRequestedSeries(services, () => '?StudyInstanceUIDs=1&initialSeriesInstanceUID=9.9');
    protocolChanged();
    protocolChanged();
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ title: 'Series not found', type: 'warning' });
    expect(shown[0]?.message).toContain('9.9');
    expect(listeners).toHaveLength(0);
  });

  test('says nothing when the clicked series is there', () => {
    const { services, shown, protocolChanged } = fakeServices(['1.1', '1.2']);
    watchRequestedSeries(services, () => '?initialSeriesInstanceUID=1.2');
    protocolChanged();
    expect(shown).toEqual([]);
  });

  test('leaving the mode before the study loads stops watching', () => {
    const { services, shown, listeners, protocolChanged } = fakeServices([]);
    const stop = watchRequestedSeries(services, () => '?initialSeriesInstanceUID=9.9');
    stop();
    protocolChanged();
    expect(shown).toEqual([]);
    expect(listeners).toHaveLength(0);
  });
});
