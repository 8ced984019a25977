// Deployment check: npm run check-config -- <app-config.js> [--viewer-origin <origin>] [--viewer-url <url>] [--offline] [--renew-with <issuer>]
// Validates kheopsAuth with the extension's own code, then asks each provider and DICOMweb root
// what the viewer will need from them. Exit code 0 when no check fails (warnings and checks that
// could not be made do not), 1 otherwise, 2 on usage.
import path from 'node:path';
import { parseArguments, USAGE } from '../src/check/arguments';
import { formatReport, type CheckResult } from '../src/check/result';
import { runDeploymentCheck } from '../src/check/run';
import { checkViewerStatic } from '../src/check/viewer-static';

/** Takes `--viewer-url <url>` (how the viewer's files are served, viewer-static.ts) out of the arguments. */
function takeViewerUrl(args: string[]): { args: string[]; viewerUrl?: string } {
  const at = args.findIndex(arg => arg === '--viewer-url' || arg.startsWith('--viewer-url='));
  if (at < 0) return { args };
  const arg = args[at] as string;
  const viewerUrl = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
  return { args: args.filter((_, index) => index !== at && (arg.includes('=') || index !== at + 1)), ...(viewerUrl ? { viewerUrl } : {}) };
}

async function main(): Promise<number> {
  const { args, viewerUrl } = takeViewerUrl(process.argv.slice(2));
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = parseArguments(args);
  if (!parsed.ok) {
    console.error(`check-config: ${parsed.message}\n${USAGE}`);
    return 2;
  }
  // npm runs scripts from the repository root; a relative path means the folder npm was started in.
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), parsed.options.file);
  // A token only from the environment: a command line shows in process lists and shell history.
  const refreshToken = process.env.CHECK_CONFIG_REFRESH_TOKEN;
  const results = await runDeploymentCheck({ ...parsed.options, file, ...(refreshToken ? { refreshToken } : {}) });
  if (viewerUrl && !parsed.options.offline) results.push(...(await checkViewerStatic(viewerUrl, parsed.options.timeoutMs ?? 10_000)));
  console.log(formatReport(results));
  console.log(summary(results));
  return results.some(result => !result.ok) ? 1 : 0;
}

function summary(results: CheckResult[]): string {
  const count = (status: CheckResult['status']) => results.filter(result => result.status === status).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const notes = [count('warn') ? plural(count('warn'), 'warning') : '', count('skipped') ? `${count('skipped')} not checked` : ''].filter(Boolean).join(', ');
  const failed = count('fail');
  if (failed > 0) return `${plural(failed, 'check')} failed${notes ? ` (and ${notes})` : ''}.`;
  return notes ? `No check failed (${notes}).` : 'All checks passed.';
}

main().then(
  code => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`check-config: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
