import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunningStack } from '../../stack/stack';

/** What the global setup wrote about the running stack. */
export type StackInfo = Omit<RunningStack, 'stop'> & { workDir: string };

export function stackInfo(): StackInfo {
  return JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '.artifacts', 'stack.json'), 'utf8')) as StackInfo;
}
