/**
 * The report-provider configuration document a viewer serves so that a released KHEOPS can register
 * it as a report provider with the implicit flow (`response_type: "token"`). KHEOPS reads it from the
 * URL an album administrator enters (conventionally `<provider>/.well-known/kheops-report-configuration`)
 * and then sends people to `redirect_uri#access_token=...&conf_uri=...&return_uri=...&studyUID=...`.
 *
 * Fields as KHEOPS's own report providers publish them (OsiriX-Foundation/KheopsReportProvider,
 * `JSON_kheopsWSIViewerConfiguration`: an implicit-flow provider): `response_type`, `redirect_uri`,
 * `client_name`, `client_uri`, `contacts`. Assumptions, not checked against a running KHEOPS: an
 * implicit-flow provider needs no `jwks_uri` (it never authenticates at the token endpoint), and
 * KHEOPS matches `redirect_uri` exactly.
 */
export interface ReportProviderOptions {
  /** The viewer's origin, e.g. https://viewer.example.org */
  viewerOrigin: string;
  /** The route the extension takes the launch on; default /kheops/report. */
  redirectPath?: string;
  clientName?: string;
  clientUri?: string;
  contacts?: string[];
}

export interface ReportProviderConfiguration {
  response_type: 'token';
  redirect_uri: string;
  client_name: string;
  client_uri?: string;
  contacts?: string[];
}

export const REPORT_PROVIDER_REDIRECT_PATH = '/kheops/report';
/** Where the viewer host serves the document (tests/stack); any URL KHEOPS can fetch will do. */
export const REPORT_PROVIDER_DOCUMENT_NAME = 'report-provider.json';

export function reportProviderConfiguration(options: ReportProviderOptions): ReportProviderConfiguration {
  const origin = new URL(options.viewerOrigin).origin;
  return {
    response_type: 'token',
    redirect_uri: `${origin}${options.redirectPath ?? REPORT_PROVIDER_REDIRECT_PATH}`,
    client_name: options.clientName ?? 'OHIF viewer',
    ...(options.clientUri ? { client_uri: options.clientUri } : {}),
    ...(options.contacts ? { contacts: options.contacts } : {}),
  };
}

/** The checked-in example (platform-config/report-provider.json), written by npm run config-examples. */
export function reportProviderExample(): { name: string; text: string } {
  const document = reportProviderConfiguration({ viewerOrigin: 'https://viewer.example.org', clientName: 'OHIF viewer', clientUri: 'https://viewer.example.org/' });
  return { name: REPORT_PROVIDER_DOCUMENT_NAME, text: `${JSON.stringify(document, null, 2)}\n` };
}
