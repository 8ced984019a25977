import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SampleDataSummary } from '../../fixtures/load-sample-data';

/** What the global setup wrote about the running stack. */
export interface StackInfo {
  viewerOrigin: string;
  standinUrl: string;
  issuer: string;
  dicomWebRoot: string;
  orthancUrl: string;
  studyPageUrl: string;
  sampleData: SampleDataSummary;
  workDir: string;
}

export function stackInfo(): StackInfo {
  return JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '.artifacts', 'stack.json'), 'utf8')) as StackInfo;
}
