// Command line: node --import tsx tests/kheops-standin/src/main.ts
// Environment: STANDIN_PORT (8080; 0 = any free port), ORTHANC_URL (http://127.0.0.1:8042),
// VIEWER_ORIGIN (http://localhost:3000), ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL (seconds),
// STANDIN_TEST_CONTROLS=1, STANDIN_LOG_FILE, STANDIN_REFRESH_TOKENS=0 (no refresh tokens),
// STANDIN_PROVIDER=keycloak (play KHEOPS's Keycloak realm), STANDIN_KEYCLOAK_REVOKE_REFRESH_TOKEN=1,
// STANDIN_VIEWER_PATH (/kheops).
// STANDIN_KHEOPS=released plays released KHEOPS instead (released/main.ts): STANDIN_PORT is then
// KHEOPS's API and UI, STANDIN_REALM_PORT (STANDIN_PORT + 1) its Keycloak realm (the Keycloak profile).
import { startStandin } from './index.js';
import { parseProviderProfile } from './profile.js';
import { startReleasedStandin } from './released/main.js';

function integerFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return value;
}

async function main(): Promise<void> {
  if (process.env.STANDIN_KHEOPS === 'released') return startReleasedStandin(integerFromEnv);
  if (process.env.STANDIN_KHEOPS && process.env.STANDIN_KHEOPS !== 'default') throw new Error('STANDIN_KHEOPS must be "released" or "default"');
  const standin = await startStandin({
    port: integerFromEnv('STANDIN_PORT') ?? 8080,
    orthancUrl: process.env.ORTHANC_URL || 'http://127.0.0.1:8042',
    viewerOrigin: process.env.VIEWER_ORIGIN || 'http://localhost:3000',
    accessTokenTtl: integerFromEnv('ACCESS_TOKEN_TTL'),
    refreshTokenTtl: integerFromEnv('REFRESH_TOKEN_TTL'),
    refreshTokens: process.env.STANDIN_REFRESH_TOKENS !== '0',
    testControls: process.env.STANDIN_TEST_CONTROLS === '1',
    logFile: process.env.STANDIN_LOG_FILE || undefined,
    provider: parseProviderProfile('STANDIN_PROVIDER', process.env.STANDIN_PROVIDER),
    refreshTokenReuse: process.env.STANDIN_KEYCLOAK_REVOKE_REFRESH_TOKEN === '1' ? 'refused' : 'allowed',
    ...(process.env.STANDIN_VIEWER_PATH ? { viewerPath: process.env.STANDIN_VIEWER_PATH } : {}),
  });

  // The first line is what launchers wait for; keep its shape stable.
  console.log(`KHEOPS stand-in ready at ${standin.url}`);
  console.log(`  issuer:        ${standin.issuer}`);
  console.log(`  DICOMweb root: ${standin.dicomWebRoot}`);
  console.log(`  client id:     ${standin.clientId}`);
  console.log(`  provider:      ${standin.provider}`);
  console.log(`  study page:    ${standin.url}/?user=alice`);
  console.log(`  test controls: ${process.env.STANDIN_TEST_CONTROLS === '1' ? `${standin.url}/__test/` : 'off'}`);

  const stop = () => {
    standin.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`kheops-standin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
