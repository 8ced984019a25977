import path from 'node:path';
import { LARGE_STUDY, largeStudyFiles } from '../fixtures/large-study';
import { loadSampleData } from '../fixtures/load-sample-data';
import { REPO_ROOT } from '../stack/stack';
import { pairedRoundsUntilPrecise, precisionNote, type PairedRounds, type RoundPlan } from './rounds';
import { formatRatio, summarize } from './stats';

/** Where set-up keeps the generated files, so they are made once (61 MB). */
export const LARGE_STUDY_CACHE = path.join(REPO_ROOT, '.cache', 'large-study');

export interface LargeStudyRound {
  largeMs: number;
  aloneMs: number;
  /** Gateway requests up to the first image (DICOMweb GETs) in the large study. */
  largeRequests: number;
  aloneRequests: number;
}

/** Loads both studies of tests/fixtures/large-study.ts into the bench's Orthanc (skipped when it holds them already). */
export async function loadLargeStudy(orthancUrl: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const files = largeStudyFiles(LARGE_STUDY_CACHE);
  await loadSampleData(orthancUrl, { files });
  log(`[bench] large study: ${files.length} instances in Orthanc (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/**
 * large_study_ratio: click to the clicked series' first image in the 12-series study, over the same
 * series alone in a study of its own, on the no-login path (the data source is the extension's in
 * both). Paired rounds, alternating which goes first.
 */
export async function largeStudyRatio(
  plan: RoundPlan,
  measure: (seriesUid: string) => Promise<{ ms: number; dicomWebRequests: number }>,
  log: (line: string) => void,
): Promise<PairedRounds> {
  const samples: LargeStudyRound[] = [];
  const ratio = await pairedRoundsUntilPrecise(plan, async round => {
    const order = round % 2 ? (['large', 'alone'] as const) : (['alone', 'large'] as const);
    const measured: Partial<Record<'large' | 'alone', { ms: number; dicomWebRequests: number }>> = {};
    for (const which of order) measured[which] = await measure(which === 'large' ? LARGE_STUDY.clickedSeriesUid : LARGE_STUDY.aloneSeriesUid);
    const large = measured.large as { ms: number; dicomWebRequests: number };
    const alone = measured.alone as { ms: number; dicomWebRequests: number };
    samples.push({ largeMs: large.ms, aloneMs: alone.ms, largeRequests: large.dicomWebRequests, aloneRequests: alone.dicomWebRequests });
    log(`[bench] large study round ${round}: large ${Math.round(large.ms)} ms (${large.dicomWebRequests} DICOMweb requests), alone ${Math.round(alone.ms)} ms (${alone.dicomWebRequests}), ratio ${(large.ms / alone.ms).toFixed(3)}`);
    return { numerator: large.ms, denominator: alone.ms };
  });
  const median = (values: number[]) => Math.round(summarize(values).median);
  log(
    `large study (12 series, 1,520 instances, clicked series 7th, 200 slices) vs the series alone: medians ${median(samples.map(s => s.largeMs))} vs ${median(samples.map(s => s.aloneMs))} ms; DICOMweb requests before the first image ${median(samples.map(s => s.largeRequests))} vs ${median(samples.map(s => s.aloneRequests))}`,
  );
  const note = precisionNote('large_study_ratio', ratio, plan);
  if (note) log(note);
  log(`large_study_ratio=${formatRatio(ratio)}`);
  return ratio;
}
