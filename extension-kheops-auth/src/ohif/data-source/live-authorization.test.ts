import { OHIF_DICOMWEB_NAMESPACE } from '../api';
import { createAuthenticatedDataSourceModule, type AuthenticatedSession } from './authenticated-data-source';
import { LiveAuthorization, withLiveAuthorization } from './live-authorization';
import { MemoryPendingSaveStore } from '../../session/pending-saves';

/**
 * OHIF 3.13.2's DICOMweb data source reduced to how it handles the Authorization header, line for line
 * where it matters (extensions/default/src/DicomWebDataSource/index.ts, retrieveBulkData.ts, and
 * dicomweb-client's DICOMwebClient constructor and `_httpRequest`). `sent` records each request's
 * header as XMLHttpRequest.setRequestHeader does: converted to a string when the request goes out.
 */
function ohifDicomWebDataSource(servicesManager: { services: { userAuthenticationService: { getAuthorizationHeader(): Record<string, unknown> | undefined } } }) {
  const sent: Array<{ url: string; authorization: string | undefined }> = [];
  const instances: Array<Record<string, { BulkDataURI: string; retrieveBulkData?: () => Promise<unknown> }>> = [];

  class DICOMwebClient {
    headers: Record<string, unknown>;
    constructor(options: { headers?: Record<string, unknown> }) {
      this.headers = options.headers || {};
    }
    private httpRequest(url: string): Promise<ArrayBuffer> {
      const request: Record<string, string> = {};
      const userHeaders = this.headers;
      Object.keys(userHeaders).forEach(key => (request[key] = String(userHeaders[key]))); // ByteString conversion
      sent.push({ url, authorization: request.Authorization });
      return Promise.resolve(new ArrayBuffer(4));
    }
    retrieveBulkData(options: { BulkDataURI: string }): Promise<ArrayBuffer[]> {
      return this.httpRequest(options.BulkDataURI).then(buffer => [buffer]);
    }
    searchForStudies(): Promise<unknown[]> {
      return this.httpRequest('/studies').then(() => []);
    }
  }

  // retrieveBulkData.ts: bound to the QIDO client, reads `this.headers` when called.
  function retrieveBulkData(this: DICOMwebClient, value: { BulkDataURI: string; Value?: unknown }) {
    return this.retrieveBulkData({ BulkDataURI: value.BulkDataURI }).then(parts => (value.Value = parts[0]));
  }

  const { userAuthenticationService } = servicesManager.services;
  let qidoDicomWebClient: DICOMwebClient;
  let getAuthorizationHeader: () => Record<string, unknown>;
  return {
    sent,
    instances,
    initialize: () => {
      getAuthorizationHeader = () => {
        const xhrRequestHeaders: Record<string, unknown> = {};
        const authHeaders = userAuthenticationService.getAuthorizationHeader();
        if (authHeaders && authHeaders.Authorization) {
          xhrRequestHeaders.Authorization = authHeaders.Authorization;
        }
        return xhrRequestHeaders;
      };
      qidoDicomWebClient = new DICOMwebClient({ headers: userAuthenticationService.getAuthorizationHeader() });
    },
    query: {
      studies: {
        search: async () => {
          qidoDicomWebClient.headers = getAuthorizationHeader();
          return qidoDicomWebClient.searchForStudies();
        },
      },
    },
    retrieve: {
      series: {
        // Metadata arrives; each BulkDataURI value gets a retrieveBulkData bound to the QIDO client.
        metadata: async () => {
          qidoDicomWebClient.headers = getAuthorizationHeader();
          const value: { BulkDataURI: string; retrieveBulkData?: () => Promise<unknown> } = { BulkDataURI: 'https://kheops.example.org/api/bulk/1' };
          value.retrieveBulkData = retrieveBulkData.bind(qidoDicomWebClient, value);
          instances.push({ PixelData: value });
        },
      },
      bulkDataURI: async ({ BulkDataURI }: { BulkDataURI: string }) => {
        qidoDicomWebClient.headers = getAuthorizationHeader();
        return qidoDicomWebClient.retrieveBulkData({ BulkDataURI }).then(parts => parts[0]);
      },
    },
  };
}

type OhifDataSource = ReturnType<typeof ohifDicomWebDataSource>;

function setup() {
  let token = 'first-token';
  const userAuthenticationService = { getAuthorizationHeader: () => ({ Authorization: `Bearer ${token}` }) as Record<string, string> | undefined, handleUnauthenticated: jest.fn() };
  const servicesManager = { services: { userAuthenticationService, uiNotificationService: {} } };
  let created: OhifDataSource | undefined;
  const extensionManager = {
    getModuleEntry: (namespace: string) =>
      namespace === OHIF_DICOMWEB_NAMESPACE
        ? { createDataSource: (_configuration: unknown, services: unknown) => (created = ohifDicomWebDataSource(services as Parameters<typeof ohifDicomWebDataSource>[0])) }
        : undefined,
  };
  const renew = () => (token = 'renewed-token');
  return { servicesManager, extensionManager, userAuthenticationService, renew, created: () => created! };
}

const session: AuthenticatedSession = {
  renewNow: () => Promise.resolve(),
  reauthenticate: () => Promise.resolve(),
  ensureFresh: () => Promise.resolve(),
  userId: () => 'alice',
  pendingSaves: new MemoryPendingSaveStore(),
  platformName: () => 'KHEOPS',
  saveRefused: () => undefined,
};

describe('bulk data through OHIF 3.13.2\'s DICOMweb data source', () => {
  it('goes out with the token of the last earlier call when OHIF is used as it is (the gap)', async () => {
    const { servicesManager, renew } = setup();
    const ohif = ohifDicomWebDataSource(servicesManager);
    ohif.initialize();
    await ohif.retrieve.series.metadata();
    renew();
    await ohif.instances[0]!.PixelData!.retrieveBulkData!();
    expect(ohif.sent.at(-1)?.authorization).toBe('Bearer first-token');
  });

  it('carries the current token through the extension\'s data source, for the functions attached to metadata', async () => {
    const { servicesManager, extensionManager, renew, created } = setup();
    const [module] = createAuthenticatedDataSourceModule(() => session);
    const dataSource = module!.createDataSource({}, servicesManager, extensionManager) as unknown as OhifDataSource;
    dataSource.initialize();
    await dataSource.retrieve.series.metadata();
    renew();
    await created().instances[0]!.PixelData!.retrieveBulkData!();
    expect(created().sent.at(-1)).toEqual({ url: 'https://kheops.example.org/api/bulk/1', authorization: 'Bearer renewed-token' });
  });

  it('carries the current token on every other path too (retrieve.bulkDataURI, QIDO)', async () => {
    const { servicesManager, extensionManager, renew, created } = setup();
    const [module] = createAuthenticatedDataSourceModule(() => session);
    const dataSource = module!.createDataSource({}, servicesManager, extensionManager) as unknown as OhifDataSource;
    dataSource.initialize();
    await dataSource.query.studies.search();
    renew();
    await dataSource.retrieve.bulkDataURI({ BulkDataURI: 'https://kheops.example.org/api/bulk/2' });
    await dataSource.query.studies.search();
    expect(created().sent.map(request => request.authorization)).toEqual(['Bearer first-token', 'Bearer renewed-token', 'Bearer renewed-token']);
  });

  it('sends no Authorization header while nobody is signed in', async () => {
    const { servicesManager, extensionManager, userAuthenticationService, created } = setup();
    userAuthenticationService.getAuthorizationHeader = () => undefined;
    const [module] = createAuthenticatedDataSourceModule(() => undefined);
    const dataSource = module!.createDataSource({}, servicesManager, extensionManager) as unknown as OhifDataSource;
    dataSource.initialize();
    await dataSource.query.studies.search();
    expect(created().sent[0]?.authorization).toBeUndefined();
  });
});

describe('the live Authorization value', () => {
  it('is only what OHIF\'s DICOMweb data source sees: the real service keeps answering with strings', () => {
    const { servicesManager, userAuthenticationService } = setup();
    const scoped = withLiveAuthorization(servicesManager);
    expect(scoped.services.userAuthenticationService.getAuthorizationHeader()?.Authorization).toBeInstanceOf(LiveAuthorization);
    expect(userAuthenticationService.getAuthorizationHeader()?.Authorization).toBe('Bearer first-token');
    // Everything else is the real thing.
    expect(scoped.services.uiNotificationService).toBe(servicesManager.services.uiNotificationService);
    expect(scoped.services.userAuthenticationService.handleUnauthenticated).toBe(userAuthenticationService.handleUnauthenticated);
  });

  it('becomes the current header when converted, and never shows the token when serialised', () => {
    let header: Record<string, string> | undefined = { Authorization: 'Bearer one' };
    const live = new LiveAuthorization(() => header);
    expect(`${live}`).toBe('Bearer one');
    header = { Authorization: 'Bearer two' };
    expect(String(live)).toBe('Bearer two');
    expect(new Headers({ Authorization: live as unknown as string }).get('authorization')).toBe('Bearer two');
    expect(JSON.stringify({ Authorization: live })).not.toContain('two');
    header = undefined;
    expect(String(live)).toBe('');
  });
});
