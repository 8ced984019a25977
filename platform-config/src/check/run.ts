import { loadAppConfig } from './load-app-config';
import { checkDicomWeb, checkIssuer } from './network-checks';
import { fail, pass, type CheckResult } from './result';
import { savePermissionOf } from './save-permission';
import { checkAppConfig } from './static-checks';
import { viewerOriginFromConfig } from './viewer-origin';

export interface DeploymentCheckOptions {
  /** The app-config.js to check. */
  file: string;
  /** Overrides the origin derived from the module URLs. */
  viewerOrigin?: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Only the checks that need no network. */
  offline?: boolean;
  /** The issuer whose refresh token is in CHECK_CONFIG_REFRESH_TOKEN, renewed once. */
  renewWith?: string;
  /** The refresh token itself (from the environment, never from the command line). */
  refreshToken?: string;
}

/** Every check, in the order a deployer would fix them: the file, its settings, then each server. */
export async function runDeploymentCheck(options: DeploymentCheckOptions): Promise<CheckResult[]> {
  const loaded = loadAppConfig(options.file);
  if (!loaded.ok) return [fail('app configuration', loaded.message)];
  const results: CheckResult[] = [pass('app configuration', `${options.file} sets window.config`)];

  const { results: staticResults, config } = checkAppConfig(loaded.config);
  results.push(...staticResults);
  if (!config || options.offline) return results;

  const derived = viewerOriginFromConfig(loaded.config);
  const viewerOrigin = options.viewerOrigin ?? derived;
  if (viewerOrigin) {
    const source = options.viewerOrigin ? 'from --viewer-origin' : 'from the module URLs';
    results.push(pass('viewer origin', `${viewerOrigin} (${source})`));
  }
  if (options.renewWith !== undefined) {
    if (!config.issuers.some(issuer => issuer.issuer === options.renewWith)) {
      results.push(fail('refresh tokens', `--renew-with ${options.renewWith} is not the issuer of any entry in kheopsAuth.issuers; the token is sent nowhere`));
      return results;
    }
    if (!options.refreshToken) {
      results.push(fail('refresh tokens', '--renew-with needs a refresh token of that issuer in the environment variable CHECK_CONFIG_REFRESH_TOKEN'));
      return results;
    }
  }
  const renewal = options.renewWith && options.refreshToken ? { issuer: options.renewWith, refreshToken: options.refreshToken } : undefined;
  const networkOptions = { viewerOrigin, timeoutMs: options.timeoutMs ?? 10_000, renewal };
  const rawIssuers = (loaded.config.kheopsAuth as { issuers?: unknown[] } | undefined)?.issuers ?? [];
  // Issuers may share a DICOMweb root (several providers in front of one KHEOPS): check each root once.
  const roots = new Set<string>();
  for (const [index, issuer] of config.issuers.entries()) {
    const savePermission = savePermissionOf(issuer, rawIssuers[index]);
    results.push(...(await checkIssuer(issuer, networkOptions, { routes: config.routes, index, savePermission })));
    if (!roots.has(issuer.dicomWebRoot)) {
      roots.add(issuer.dicomWebRoot);
      results.push(...(await checkDicomWeb(issuer.dicomWebRoot, networkOptions)));
    }
  }
  return results;
}
