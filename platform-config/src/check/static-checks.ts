// The same validation the extension runs when the viewer starts, so a deployer sees its refusals
// before deploying rather than as a blank viewer.
import { checkDataSources } from '../../../extension-kheops-auth/src/config/data-sources';
import type { KheopsAuthConfig } from '../../../extension-kheops-auth/src/config/types';
import { validateConfig } from '../../../extension-kheops-auth/src/config/validate';
import { APP_CONFIG_KEY } from '../../../extension-kheops-auth/src/id';
import { checkPlaceholderHosts } from './placeholder-hosts';
import { fail, pass, type CheckResult } from './result';
import { checkSavePermissionStatic, savePermissionOf } from './save-permission';
import { checkWrappedDataSources } from './wrapped-data-source';

export interface StaticCheck {
  results: CheckResult[];
  /** The validated kheopsAuth settings, when valid: the network checks start from them. */
  config?: KheopsAuthConfig;
}

export function checkAppConfig(appConfig: Record<string, unknown>): StaticCheck {
  const results: CheckResult[] = [];
  // Placeholders first and whatever else is wrong: an example file copied unchanged is the commonest mistake.
  results.push(...checkPlaceholderHosts(appConfig));
  const validation = validateConfig(appConfig[APP_CONFIG_KEY]);
  if (!validation.ok) {
    for (const problem of validation.problems) {
      results.push(fail('configuration', `${problem.key} ${problem.message}`));
    }
    return { results };
  }
  const { config } = validation;
  results.push(pass('configuration', `${APP_CONFIG_KEY} is valid (${config.issuers.length} trusted issuer${config.issuers.length === 1 ? '' : 's'})`));

  const dataSourceProblems = checkDataSources(appConfig.dataSources, config.issuers);
  if (dataSourceProblems.length === 0) {
    results.push(pass('data sources', 'every DICOMweb data source is under a trusted dicomWebRoot'));
  } else {
    for (const problem of dataSourceProblems) {
      results.push(fail('data sources', `${problem.key} ${problem.message}`));
    }
  }

  results.push(...checkWrappedDataSources(appConfig.dataSources, config.issuers));
  const rawIssuers = (appConfig[APP_CONFIG_KEY] as { issuers?: unknown[] }).issuers ?? [];
  config.issuers.forEach((issuer, index) => results.push(checkSavePermissionStatic(issuer, index, savePermissionOf(issuer, rawIssuers[index]))));

  // OHIF's own OIDC support registers a broken /login route next to the extension's.
  if (appConfig.oidc !== undefined) {
    results.push(fail('window.config.oidc', 'is set; remove it: OHIF\'s own sign-in routes conflict with kheopsAuth and its /login is broken'));
  } else {
    results.push(pass('window.config.oidc', 'not set (kheopsAuth handles sign-in)'));
  }
  return { results, config };
}
