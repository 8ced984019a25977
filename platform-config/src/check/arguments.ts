import type { DeploymentCheckOptions } from './run';
import { parseOrigin } from './viewer-origin';

export const USAGE = `usage: npm run check-config -- <app-config.js> [--viewer-origin https://viewer.example.org] [--timeout <ms>] [--offline] [--renew-with <issuer>] (refresh token in CHECK_CONFIG_REFRESH_TOKEN)`;

type Parsed = { ok: true; options: DeploymentCheckOptions } | { ok: false; message: string };

export function parseArguments(args: string[]): Parsed {
  let file: string | undefined;
  const options: Partial<DeploymentCheckOptions> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++index];
    if (flag === '--viewer-origin') {
      const raw = value() ?? '';
      const origin = parseOrigin(raw);
      if (!origin) return { ok: false, message: `--viewer-origin needs an origin such as https://viewer.example.org, got ${JSON.stringify(raw)}` };
      options.viewerOrigin = origin;
    } else if (flag === '--timeout') {
      const ms = Number(value());
      if (!Number.isSafeInteger(ms) || ms <= 0) return { ok: false, message: '--timeout needs a positive number of milliseconds' };
      options.timeoutMs = ms;
    } else if (flag === '--renew-with') {
      const issuer = value();
      if (!issuer) return { ok: false, message: '--renew-with needs the issuer whose refresh token is in CHECK_CONFIG_REFRESH_TOKEN' };
      options.renewWith = issuer;
    } else if (flag === '--offline') {
      options.offline = true;
    } else if (flag.startsWith('-')) {
      return { ok: false, message: `unknown option ${flag}` };
    } else if (file === undefined) {
      file = arg;
    } else {
      return { ok: false, message: `only one file can be checked at a time (got ${file} and ${arg})` };
    }
  }
  if (!file) return { ok: false, message: 'no app configuration file given' };
  return { ok: true, options: { ...options, file } };
}
