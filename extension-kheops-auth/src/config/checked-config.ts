import { KheopsAuthError } from '../errors';
import { checkDataSources } from './data-sources';
import type { KheopsAuthConfig } from './types';
import { formatProblems, validateConfig } from './validate';

/**
 * The one check before a configuration is trusted, made by the extension's preRegistration and by
 * the small login page alike: the kheopsAuth section is valid and no DICOMweb data source would
 * receive tokens meant elsewhere. Throws a `configuration_invalid` error naming every problem.
 */
export function checkedConfig(section: unknown, dataSources: unknown): KheopsAuthConfig {
  const validation = validateConfig(section);
  const problems = validation.ok ? checkDataSources(dataSources, validation.config.issuers) : validation.problems;
  if (!validation.ok || problems.length > 0) {
    throw new KheopsAuthError(
      'configuration_invalid',
      `The viewer's KHEOPS configuration is invalid:\n${formatProblems(problems)}`,
      'An administrator must correct app-config.js; no study can be opened from KHEOPS until then.',
    );
  }
  return validation.config;
}
