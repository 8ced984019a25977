import { readFileSync } from 'node:fs';
import type { RunningStack } from '../../stack/stack';

/** What the global setup wrote about the running stack. */
export type StackInfo = Omit<RunningStack, 'stop'> & { workDir: string };

/** The stack this jest run started (the global setup names its file in KHEOPS_STACK_INFO). */
export function stackInfo(): StackInfo {
  const file = process.env.KHEOPS_STACK_INFO;
  if (!file) throw new Error('KHEOPS_STACK_INFO is not set: run the end-to-end tests through jest (npx jest --selectProjects e2e).');
  return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
}
