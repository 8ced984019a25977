import type { ConfigProblem } from './validate';
import type { TrustedIssuer } from './types';

/** The part of an OHIF `dataSources` entry this check reads. */
export interface DataSourceEntry {
  namespace?: string;
  sourceName?: string;
  configuration?: Record<string, unknown>;
}

const ROOT_KEYS = ['qidoRoot', 'wadoRoot', 'wadoUriRoot'] as const;

/** True when `url` is `root` itself or a path below it (not merely a string prefix: /api2 is not under /api). */
export function isUnderRoot(url: string, root: string): boolean {
  let parsedUrl: URL;
  let parsedRoot: URL;
  try {
    parsedUrl = new URL(url);
    parsedRoot = new URL(root);
  } catch {
    return false;
  }
  if (parsedUrl.origin !== parsedRoot.origin || parsedUrl.username || parsedUrl.password) {
    return false;
  }
  const rootPath = parsedRoot.pathname.replace(/\/+$/, '');
  const path = parsedUrl.pathname;
  return path === rootPath || path.startsWith(`${rootPath}/`) || rootPath === '';
}

/**
 * OHIF asks one function for the Authorization header whatever the destination, so any
 * DICOMweb data source in the app would receive KHEOPS tokens. Refuse to start unless
 * every DICOMweb data source points at a DICOMweb root a trusted issuer's tokens are for.
 */
export function checkDataSources(dataSources: unknown, issuers: TrustedIssuer[]): ConfigProblem[] {
  if (!Array.isArray(dataSources)) {
    return [];
  }
  const problems: ConfigProblem[] = [];
  dataSources.forEach((entry: DataSourceEntry, index) => {
    if (!entry || typeof entry.namespace !== 'string' || !entry.namespace.endsWith('dataSourcesModule.dicomweb')) {
      return;
    }
    for (const key of ROOT_KEYS) {
      const value = entry.configuration?.[key];
      if (typeof value !== 'string') continue;
      if (!issuers.some(issuer => isUnderRoot(value, issuer.dicomWebRoot))) {
        problems.push({
          key: `dataSources[${index}].configuration.${key}`,
          message: `"${value}" (data source "${entry.sourceName ?? index}") is not under a trusted dicomWebRoot; KHEOPS tokens would be sent there`,
        });
      }
    }
  });
  return problems;
}
