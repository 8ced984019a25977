// Command line of the released-KHEOPS stand-in (STANDIN_KHEOPS=released, see ../main.ts).
import { startStandin, type Standin } from '../index.js';
import { startReleasedKheops, UI_CALLBACK_PATH, type ReleasedKheops } from './index.js';
import type { CodeProviderRegistration } from './report-code.js';

/** The realm on its own origin, then KHEOPS in front of the same Orthanc; both on loopback only. */
export async function startReleased(options: {
  port: number;
  realmPort: number;
  orthancUrl: string;
  viewerOrigin: string;
  realmAccessTokenTtl?: number | undefined;
  reportTokenTtl?: number | undefined;
  testControls?: boolean;
  logFile?: string | undefined;
  codeProviders?: CodeProviderRegistration[] | undefined;
}): Promise<{ realm: Standin; kheops: ReleasedKheops; close(): Promise<void> }> {
  const kheopsUrl = `http://127.0.0.1:${options.port}`;
  const realm = await startStandin({
    port: options.realmPort,
    orthancUrl: options.orthancUrl,
    viewerOrigin: options.viewerOrigin,
    ...(options.realmAccessTokenTtl ? { accessTokenTtl: options.realmAccessTokenTtl } : {}),
    testControls: options.testControls ?? false,
    provider: 'keycloak',
    realm: { uiOrigin: kheopsUrl, uiRedirectUri: `${kheopsUrl}${UI_CALLBACK_PATH}` },
  });
  try {
    const kheops = await startReleasedKheops({
      port: options.port,
      orthancUrl: options.orthancUrl,
      viewerOrigin: options.viewerOrigin,
      realmIssuer: realm.issuer,
      ...(options.reportTokenTtl ? { reportTokenTtl: options.reportTokenTtl } : {}),
      testControls: options.testControls ?? false,
      ...(options.logFile ? { logFile: options.logFile } : {}),
      ...(options.codeProviders ? { codeProviders: options.codeProviders } : {}),
    });
    return { realm, kheops, close: () => kheops.close().finally(() => realm.close()) };
  } catch (error) {
    await realm.close();
    throw error;
  }
}

export async function startReleasedStandin(integerFromEnv: (name: string) => number | undefined): Promise<void> {
  const port = integerFromEnv('STANDIN_PORT') ?? 8080;
  const released = await startReleased({
    port,
    realmPort: integerFromEnv('STANDIN_REALM_PORT') ?? (port === 0 ? 0 : port + 1),
    orthancUrl: process.env.ORTHANC_URL || 'http://127.0.0.1:8042',
    viewerOrigin: process.env.VIEWER_ORIGIN || 'http://localhost:3000',
    realmAccessTokenTtl: integerFromEnv('ACCESS_TOKEN_TTL'),
    reportTokenTtl: integerFromEnv('REPORT_TOKEN_TTL'),
    testControls: process.env.STANDIN_TEST_CONTROLS === '1',
    logFile: process.env.STANDIN_LOG_FILE || undefined,
  });
  console.log(`KHEOPS stand-in ready at ${released.kheops.url}`);
  console.log(`  as released KHEOPS; realm (issuer): ${released.realm.issuer}`);
  console.log(`  DICOMweb root: ${released.kheops.dicomWebRoot}`);
  console.log(`  study page:    ${released.kheops.url}/ (sign in as alice / alice)`);
  const stop = () => {
    released.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
