/**
 * The series a launch asked to open first (OHIF's `initialSeriesInstanceUID`, which may list several
 * separated by commas) that the opened study does not contain. KHEOPS links name the clicked series;
 * if it was deleted or moved since the page was drawn, OHIF silently shows the study's first series,
 * and the clinician would take it for the one clicked. Empty when nothing was asked or all were found.
 */
export function missingRequestedSeries(search: string, seriesInStudy: Iterable<string>): string[] {
  const requested = new URLSearchParams(search).getAll('initialSeriesInstanceUID')
    .flatMap(value => value.split(','))
    .map(uid => uid.trim())
    .filter(uid => uid.length > 0);
  const present = new Set(seriesInStudy);
  return [...new Set(requested)].filter(uid => !present.has(uid));
}

/** What the clinician is told when the clicked series is not there. */
export function missingSeriesMessage(missing: readonly string[]): string {
  const which = missing.length === 1 ? `The series you opened (${missing[0]}) is` : `The series you opened (${missing.join(', ')}) are`;
  return `${which} not in this study, or no longer available to you. The whole study is shown instead.`;
}
