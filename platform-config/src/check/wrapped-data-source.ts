// OHIF's own DICOMweb data source sends the extension's token (OHIF asks one function for the header),
// so a configuration using it for a trusted root seems to work; but a refused request is then neither
// renewed and retried nor held for the sign-in popup, and a save waiting for a sign-in is not kept.
import { isUnderRoot } from '../../../extension-kheops-auth/src/config/data-sources';
import type { TrustedIssuer } from '../../../extension-kheops-auth/src/config/types';
import { EXTENSION_ID } from '../../../extension-kheops-auth/src/id';
import { OHIF_DICOMWEB_NAMESPACE } from '../../../extension-kheops-auth/src/ohif/api';
import { fail, pass, type CheckResult } from './result';

const NAME = 'data source wrapper';
export const WRAPPED_DICOMWEB_NAMESPACE = `${EXTENSION_ID}.dataSourcesModule.dicomweb`;

export function checkWrappedDataSources(dataSources: unknown, issuers: TrustedIssuer[]): CheckResult[] {
  if (!Array.isArray(dataSources)) return [pass(NAME, 'no dataSources listed')];
  const results: CheckResult[] = [];
  dataSources.forEach((entry: { namespace?: unknown; sourceName?: unknown; configuration?: Record<string, unknown> } | null, index) => {
    if (entry?.namespace !== OHIF_DICOMWEB_NAMESPACE) return;
    const roots = ['qidoRoot', 'wadoRoot', 'wadoUriRoot'].map(key => entry.configuration?.[key]).filter((value): value is string => typeof value === 'string');
    const trusted = roots.find(root => issuers.some(issuer => isUnderRoot(root, issuer.dicomWebRoot)));
    if (!trusted) return;
    results.push(
      fail(
        NAME,
        `dataSources[${index}] ("${String(entry.sourceName ?? index)}") uses OHIF's plain ${OHIF_DICOMWEB_NAMESPACE} for ${trusted}: a request refused for an expired token is not renewed and retried, the sign-in popup never comes, and a save waiting for a sign-in is lost. Set its namespace to "${WRAPPED_DICOMWEB_NAMESPACE}"`,
      ),
    );
  });
  if (results.length === 0) results.push(pass(NAME, `every data source for a trusted root is the extension's (${WRAPPED_DICOMWEB_NAMESPACE})`));
  return results;
}
