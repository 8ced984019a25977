/**
 * Builds the OHIF app configuration (`window.config`) for a viewer launched from one or more
 * KHEOPS instances, loading this project's runtime modules into the prebuilt OHIF app by URL.
 */

export interface KheopsInstance {
  /** Exact OpenID issuer, e.g. https://kheops.example.org/api or a Keycloak realm URL. */
  issuer: string;
  /** The viewer's public client id at that issuer. */
  clientId: string;
  /** DICOMweb root that this issuer's tokens are for, e.g. https://kheops.example.org/api */
  dicomWebRoot: string;
  displayName?: string;
  scope?: string;
  /** Launch kinds this KHEOPS may use (kheopsAuth `launches`); default `['oidc']`. */
  launches?: Array<'oidc' | 'viewer-link' | 'report-provider' | 'bridge'>;
  /** The realm (another entry's `issuer`, or this one's) that this KHEOPS's launches may be upgraded through (kheopsAuth `upgradeThrough`). */
  upgradeThrough?: string;
  /** Sign-out also ends the provider's session and it returns here (kheopsAuth `postLogoutRedirectUri`). */
  postLogoutRedirectUri?: string;
  /**
   * Who may save (kheopsAuth `savePermission`): 'server-decides' (the extension's default) tries the
   * save and keeps a refused report; `{ scope: 'write' }` allows it only when that scope is granted.
   */
  savePermission?: 'server-decides' | { scope: string };
  /** This KHEOPS's own pages, where refusal screens lead back to (kheopsAuth `kheopsUrl`). */
  kheopsUrl?: string;
}

export interface ViewerAppConfigOptions {
  /** Where the runtime modules are served, e.g. https://viewer.example.org/modules */
  modulesBaseUrl: string;
  kheops: KheopsInstance[];
  /** Name of the OHIF data source (and the `/kheops/<name>` route); default "kheops". */
  dataSourceName?: string;
  /**
   * Further data sources, one per other KHEOPS whose DICOMweb root differs from the first's; each is
   * opened at `/kheops/<name>` (its `target_link_uri`), and must be one of `kheops`.
   */
  moreDataSources?: Array<{ name: string; instance: KheopsInstance }>;
}

/**
 * The extension's DICOMweb data source: OHIF's own, with requests refused for an expired token renewed
 * and retried, or held until the person signs in again, instead of failing.
 */
const DICOMWEB_NAMESPACE = '@kheops-ohif/extension-kheops-auth.dataSourcesModule.dicomweb';

/** OHIF's DICOMweb data source settings for a KHEOPS (or Orthanc-backed) DICOMweb root. */
export function kheopsDataSource(name: string, instance: KheopsInstance): Record<string, unknown> {
  const root = instance.dicomWebRoot.replace(/\/+$/, '');
  return {
    namespace: DICOMWEB_NAMESPACE,
    sourceName: name,
    configuration: {
      friendlyName: instance.displayName ?? 'KHEOPS',
      name,
      qidoRoot: root,
      wadoRoot: root,
      wadoUriRoot: `${root}/wado`,
      qidoSupportsIncludeField: false,
      imageRendering: 'wadors',
      thumbnailRendering: 'wadors',
      enableStudyLazyLoad: true,
      supportsFuzzyMatching: false,
      supportsWildcard: true,
      omitQuotationForMultipartRequest: true,
      singlepart: 'bulkdata,video,pdf',
      bulkDataURI: { enabled: true, relativeResolution: 'studies' },
    },
  };
}

export function viewerAppConfig(options: ViewerAppConfigOptions): Record<string, unknown> {
  const base = options.modulesBaseUrl.replace(/\/+$/, '');
  const first = options.kheops[0];
  if (!first) {
    throw new Error('viewerAppConfig needs at least one KHEOPS instance');
  }
  const name = options.dataSourceName ?? 'kheops';
  return {
    name: 'kheops-ohif',
    routerBasename: '/',
    extensions: [`${base}/extension-kheops-auth.mjs`],
    modes: [`${base}/mode-kheops.mjs`],
    showStudyList: true,
    maxNumberOfWebWorkers: 3,
    showWarningMessageForCrossOrigin: false,
    showCPUFallbackMessage: true,
    showLoadingIndicator: true,
    strictZSpacingForVolumeViewport: true,
    investigationalUseDialog: { option: 'never' },
    defaultDataSourceName: name,
    dataSources: [kheopsDataSource(name, first), ...(options.moreDataSources ?? []).map(extra => kheopsDataSource(extra.name, extra.instance))],
    kheopsAuth: {
      issuers: options.kheops.map(instance => ({
        issuer: instance.issuer,
        clientId: instance.clientId,
        dicomWebRoot: instance.dicomWebRoot,
        displayName: instance.displayName ?? 'KHEOPS',
        ...(instance.scope ? { scope: instance.scope } : {}),
        ...(instance.launches ? { launches: instance.launches } : {}),
        ...(instance.upgradeThrough ? { upgradeThrough: instance.upgradeThrough } : {}),
        ...(instance.postLogoutRedirectUri ? { postLogoutRedirectUri: instance.postLogoutRedirectUri } : {}),
        ...(instance.savePermission ? { savePermission: instance.savePermission } : {}),
        ...(instance.kheopsUrl ? { kheopsUrl: instance.kheopsUrl } : {}),
      })),
    },
  };
}

/**
 * The text of `app-config.js` as the prebuilt app loads it. `comment` lines go into the header, so a
 * checked-in example can say what to change before it is copied.
 */
export function renderAppConfigScript(config: Record<string, unknown>, comment: string[] = []): string {
  const header = ['Generated by kheops-ohif platform-config.', ...comment].map(line => (line ? ` * ${line}` : ' *')).join('\n');
  return `/**\n${header}\n */\nwindow.config = ${JSON.stringify(config, null, 2)};\n`;
}
