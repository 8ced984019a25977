/**
 * Starts the whole demo (Orthanc with sample data, the KHEOPS stand-in, a KHEOPS behind a Keycloak-profile
 * stand-in, Glewlwyd, the OHIF viewer) and keeps it running until Ctrl-C. With STACK_MODE=test it prints one machine-readable ready line instead,
 * for the end-to-end test harness.
 */
import os from 'node:os';
import path from 'node:path';
import { startStack, REPO_ROOT } from './stack';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name}=${raw} is not a port number (1-65535).`);
  }
  return port;
}

async function main(): Promise<void> {
  const testMode = process.env.STACK_MODE === 'test';
  const workDir = process.env.STACK_WORK_DIR ?? path.join(testMode ? os.tmpdir() : path.join(REPO_ROOT, '.stack'), testMode ? `kheops-ohif-${process.pid}` : 'demo');
  const ttl = process.env.ACCESS_TOKEN_TTL ? Number(process.env.ACCESS_TOKEN_TTL) : undefined;
  const stack = await startStack({
    viewerPort: portFromEnv('VIEWER_PORT', 3000),
    standinPort: portFromEnv('STANDIN_PORT', 8080),
    orthancPort: portFromEnv('ORTHANC_PORT', 8042),
    glewlwydPort: portFromEnv('GLEWLWYD_PORT', 4593),
    keycloakPort: portFromEnv('KEYCLOAK_PORT', 8085),
    workDir,
    ...(ttl ? { accessTokenTtl: ttl, glewlwydAccessTokenTtl: ttl } : {}),
    testControls: testMode || process.env.STANDIN_TEST_CONTROLS === '1',
    // `npm run dev` in another terminal rebuilds the extension; open viewer pages then reload.
    liveReload: !testMode,
    // The tests always run released KHEOPS beside the default stand-in; the demo when asked.
    ...(testMode || process.env.STANDIN_KHEOPS === 'released'
      ? {
          released: {
            viewerPort: portFromEnv('RELEASED_VIEWER_PORT', 3001),
            kheopsPort: portFromEnv('RELEASED_PORT', 8081),
            realmPort: portFromEnv('REALM_PORT', 8082),
            ...(process.env.REALM_ACCESS_TOKEN_TTL ? { realmAccessTokenTtl: Number(process.env.REALM_ACCESS_TOKEN_TTL) } : {}),
            // The report-provider bridge, two replicas behind a viewer of its own (report-provider-bridge/).
            bridge: {
              viewerPort: portFromEnv('BRIDGE_VIEWER_PORT', 3002),
              replicaPorts: [portFromEnv('BRIDGE_PORT', 8095), portFromEnv('BRIDGE2_PORT', 8096)],
            },
          },
        }
      : {}),
    log: line => console.log(`[stack] ${line}`),
  });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`[stack] ${signal}: stopping the viewer, the stand-ins, Glewlwyd and Orthanc...`);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (testMode) {
    console.log(`STACK_READY ${JSON.stringify({ ...stack, stop: undefined, workDir })}`);
    return;
  }
  console.log(`
KHEOPS-OHIF demo is running.

  KHEOPS study page (start here):  ${stack.studyPageUrl}
  Viewer:                           ${stack.viewerOrigin}
  OpenID issuer:                    ${stack.issuer}
  DICOMweb root (gateway):          ${stack.dicomWebRoot}
  Orthanc (loopback only):          ${stack.orthancUrl}
  Second OpenID provider (Glewlwyd): ${stack.glewlwyd?.issuer ?? '(not running)'}
  KHEOPS behind Keycloak (study page): ${stack.keycloak ? `${stack.keycloak.studyPageUrl} (realm ${stack.keycloak.issuer})` : '(not running)'}

Click a series thumbnail on the study page, sign in as alice (password alice) or bob (password bob),
and the viewer opens that series. Press Ctrl-C to stop everything.
${
  stack.released
    ? `
Released KHEOPS (STANDIN_KHEOPS=released), unchanged, on the same Orthanc:

  Its study page (start here):      ${stack.released.studyPageUrl}
  Its Keycloak-like realm:          ${stack.released.realmIssuer}
  Its viewer:                       ${stack.released.viewerOrigin}
  Report-provider bridge's viewer:  ${stack.released.bridge?.viewerOrigin ?? '(not running)'} ("Report (OHIF viewer through the bridge)")

Sign in to KHEOPS (alice / alice) and click a study or a series: KHEOPS opens its viewer link in a
named tab, and the viewer upgrades it to a renewable session through the realm without a login form.
`
    : ''
}`);
}

main().catch(error => {
  console.error(`\n[stack] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
