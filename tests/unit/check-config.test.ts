// The example app configurations and the deployment check (platform-config/bin/check-config.ts).
// The network part runs the CLI and the KHEOPS stand-in as child processes (oidc-provider is ESM-only;
// jest runs CommonJS), like a deployer would run them.
import type { LoopbackServer } from './support/loopback';
import { startStandinProcess, startUnreachedOrthanc, stopProcess } from './support/standin-process';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseArguments } from '../../platform-config/src/check/arguments';
import { loadAppConfig } from '../../platform-config/src/check/load-app-config';
import { checkAppConfig } from '../../platform-config/src/check/static-checks';
import { parseOrigin, viewerOriginFromConfig } from '../../platform-config/src/check/viewer-origin';
import { exampleFiles, standinAppConfig } from '../../platform-config/src/examples';
import { renderAppConfigScript } from '../../platform-config/src/app-config';

jest.setTimeout(60000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO_ROOT, 'platform-config', 'bin', 'check-config.ts');
const VIEWER_ORIGIN = 'http://localhost:3000';
/** Every line a reachable provider and DICOMweb root get, in the order printed. */
const ALL_CHECKS = [
  'placeholder hosts', 'configuration', 'data sources', 'data source wrapper', 'save permission', 'window.config.oidc', 'viewer origin',
  'issuer reachable', 'issuer matches', 'PKCE', 'redirect URIs', 'nonce', 'refresh tokens', 'token endpoint CORS', 'revocation', 'quirks',
  'DICOMweb root', 'DICOMweb CORS',
];

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'check-config-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function writeFile(name: string, text: string): string {
  const file = path.join(workDir, name);
  writeFileSync(file, text);
  return file;
}

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function keycloakExample(): Config {
  const example = exampleFiles().find(file => file.name === 'app-config.kheops-keycloak.js');
  if (!example) throw new Error('the Keycloak example is missing');
  return structuredClone(example.config);
}

/** Failed checks as printed; the example files' placeholder hosts are left out unless asked for. */
function failures(config: Config, { placeholders = false } = {}): string[] {
  return checkAppConfig(config)
    .results.filter(result => !result.ok && (placeholders || result.name !== 'placeholder hosts'))
    .map(result => `${result.name}: ${result.detail}`);
}

describe('example app configurations', () => {
  it.each(exampleFiles().map(example => [example.name, example] as const))('%s is what platform-config/src/examples.ts builds', (name, example) => {
    const checkedIn = readFileSync(path.join(REPO_ROOT, 'platform-config', name), 'utf8');
    // When this fails after a deliberate change: npm run config-examples
    expect(checkedIn).toBe(example.script);
  });

  it.each(exampleFiles().map(example => [example.name] as const))('%s loads and passes the extension\'s own validation; only its example hosts are flagged', name => {
    const loaded = loadAppConfig(path.join(REPO_ROOT, 'platform-config', name));
    if (!loaded.ok) throw new Error(loaded.message);
    const { results, config } = checkAppConfig(loaded.config);
    const failed = results.filter(result => !result.ok).map(result => result.name);
    // The stand-in example runs on this machine only; the others are templates on example.org.
    expect(failed).toEqual(name === 'app-config.standin.js' ? [] : ['placeholder hosts']);
    expect(config?.issuers).toHaveLength(1);
  });

  it('the Keycloak example names the realm as issuer and KHEOPS as DICOMweb root', () => {
    const config = keycloakExample();
    expect(config.kheopsAuth.issuers[0]).toMatchObject({
      issuer: 'https://keycloak.example.org/realms/kheops',
      clientId: 'ohif-viewer',
      dicomWebRoot: 'https://kheops.example.org/api',
    });
    expect(config.extensions).toEqual(['https://viewer.example.org/modules/extension-kheops-auth.mjs']);
    expect(config.oidc).toBeUndefined();
  });

  it('the stand-in example is what the demo stack generates with the default ports', () => {
    const standin = exampleFiles().find(file => file.name === 'app-config.standin.js');
    const issuer = 'http://127.0.0.1:8080/api';
    expect(standin?.config).toEqual(standinAppConfig(VIEWER_ORIGIN, { issuer, clientId: 'ohif-viewer', dicomWebRoot: issuer }));
  });
});

describe('static checks refuse broken configurations with the extension\'s messages', () => {
  const cases: Array<[string, (config: Config) => void, string]> = [
    [
      'an issuer that is not a URL',
      config => (config.kheopsAuth.issuers[0].issuer = 'keycloak.example.org/realms/kheops'),
      'configuration: kheopsAuth.issuers[0].issuer "keycloak.example.org/realms/kheops" is not an absolute URL',
    ],
    [
      'http on a host that is not this machine',
      config => (config.kheopsAuth.issuers[0].issuer = 'http://keycloak.example.org/realms/kheops'),
      'configuration: kheopsAuth.issuers[0].issuer "http://keycloak.example.org/realms/kheops" must use https (http is accepted only for localhost)',
    ],
    [
      'a missing clientId',
      config => delete config.kheopsAuth.issuers[0].clientId,
      "configuration: kheopsAuth.issuers[0].clientId is required: the viewer's client id at this provider",
    ],
    [
      'a data source pointing elsewhere',
      config => (config.dataSources[0].configuration.qidoRoot = 'https://pacs.example.org/dicom-web'),
      'data sources: dataSources[0].configuration.qidoRoot "https://pacs.example.org/dicom-web" (data source "kheops") is not under a trusted dicomWebRoot; KHEOPS tokens would be sent there',
    ],
    [
      'an unknown key',
      config => (config.kheopsAuth.launchKinds = ['openid']),
      'configuration: kheopsAuth.launchKinds is not a known setting (known: issuers, routes, allowedTargetPaths, defaultTarget)',
    ],
    [
      'no kheopsAuth at all',
      config => delete config.kheopsAuth,
      'configuration: kheopsAuth the kheopsAuth configuration is missing; it must be an object with an "issuers" list',
    ],
    [
      'OHIF\'s own oidc next to kheopsAuth',
      config => (config.oidc = [{ authority: 'https://keycloak.example.org/realms/kheops' }]),
      "window.config.oidc: is set; remove it: OHIF's own sign-in routes conflict with kheopsAuth and its /login is broken",
    ],
  ];

  it.each(cases)('%s', (_what, breakIt, message) => {
    const config = keycloakExample();
    breakIt(config);
    expect(failures(config)).toEqual([message]);
  });
});

/** The Keycloak example with the deployment's own hosts instead of example.org. */
function deployedExample(): Config {
  return JSON.parse(JSON.stringify(keycloakExample()).replace(/([a-z]+)\.example\.org/g, '$1.hospital-a.ch')) as Config;
}

describe('static checks that the extension does not make', () => {
  it('flags the example hosts of a copied example file', () => {
    expect(failures(keycloakExample(), { placeholders: true })).toEqual([
      'placeholder hosts: extensions[0], modes[0], kheopsAuth.issuers[0].issuer, kheopsAuth.issuers[0].dicomWebRoot, dataSources[0].configuration.qidoRoot, dataSources[0].configuration.wadoRoot, dataSources[0].configuration.wadoUriRoot use viewer.example.org, keycloak.example.org, kheops.example.org, reserved for examples (RFC 2606); put the deployment\'s own hosts there',
    ]);
    expect(failures(deployedExample(), { placeholders: true })).toEqual([]);
  });

  it('flags *.example, *.test and *.invalid hosts too', () => {
    const config = deployedExample();
    config.kheopsAuth.issuers[0].postLogoutRedirectUri = 'https://viewer.hospital.example/';
    expect(failures(config, { placeholders: true })).toEqual([
      "placeholder hosts: kheopsAuth.issuers[0].postLogoutRedirectUri uses viewer.hospital.example, reserved for examples (RFC 2606); put the deployment's own hosts there",
    ]);
  });

  it('flags a loopback host in a file whose other hosts are public', () => {
    const config = deployedExample();
    config.kheopsAuth.issuers[0].issuer = 'http://localhost:8080/realms/kheops';
    expect(failures(config, { placeholders: true })).toEqual([
      "placeholder hosts: kheopsAuth.issuers[0].issuer points at this machine (localhost) while extensions[0] is on viewer.hospital-a.ch: in the clinician's browser loopback is their own computer; use the server's public host name",
    ]);
  });

  it('fails a data source that uses OHIF\'s plain DICOMweb source for a trusted root', () => {
    const config = deployedExample();
    config.dataSources[0].namespace = '@ohif/extension-default.dataSourcesModule.dicomweb';
    expect(failures(config)).toEqual([
      'data source wrapper: dataSources[0] ("kheops") uses OHIF\'s plain @ohif/extension-default.dataSourcesModule.dicomweb for https://kheops.hospital-a.ch/api: a request refused for an expired token is not renewed and retried, the sign-in popup never comes, and a save waiting for a sign-in is lost. Set its namespace to "@kheops-ohif/extension-kheops-auth.dataSourcesModule.dicomweb"',
    ]);
  });

  it('passes the app-config.js snippet of platform-config/README.md §2 but for its example hosts', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'platform-config', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## 2. Write `app-config.js`'));
    const snippet = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    if (!snippet) throw new Error('README §2 has no js snippet');
    const loaded = loadAppConfig(writeFile('readme-snippet.js', snippet));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(checkAppConfig(loaded.config).results.filter(result => !result.ok).map(result => result.name)).toEqual(['placeholder hosts']);
  });

  it('fails a savePermission scope that the configuration never asks for', () => {
    const config = deployedExample();
    config.kheopsAuth.issuers[0].savePermission = { scope: 'write' };
    // The extension's validator may make this check itself (then as a "configuration" line); either way, one line that names the key and the fix.
    expect(failures(config)).toEqual([expect.stringMatching(/^(save permission|configuration): kheopsAuth\.issuers\[0\]\.savePermission.*never granted.*add it to scope or use "server-decides"$/)]);
    config.kheopsAuth.issuers[0].scope = 'openid profile write';
    expect(failures(config)).toEqual([]);
  });

  it('fails a savePermission that is neither "server-decides" nor { scope }', () => {
    const config = deployedExample();
    config.kheopsAuth.issuers[0].savePermission = 'write';
    expect(failures(config)).toEqual([expect.stringMatching(/^(save permission|configuration): kheopsAuth\.issuers\[0\]\.savePermission(?=.*"server-decides")(?=.*"write")/)]);
  });
});

describe('loading app-config.js', () => {
  it('says when the file does not exist', () => {
    const result = loadAppConfig(path.join(workDir, 'missing.js'));
    expect(result).toEqual({ ok: false, message: `cannot read ${path.join(workDir, 'missing.js')}: the file does not exist` });
  });

  it('says when the file throws', () => {
    const file = writeFile('throws.js', 'window.config = { a: undefinedThing.b };\n');
    expect(loadAppConfig(file)).toEqual({ ok: false, message: `${file} throws when it runs: ReferenceError: undefinedThing is not defined` });
  });

  it('runs the file in its own context: no process, no require', () => {
    const file = writeFile('escape.js', 'process.exitCode = 3; window.config = {};\n');
    expect(loadAppConfig(file)).toEqual({ ok: false, message: `${file} throws when it runs: ReferenceError: process is not defined` });
    expect(process.exitCode).not.toBe(3);
    const other = writeFile('require.js', 'require("node:fs"); window.config = {};\n');
    expect(loadAppConfig(other)).toMatchObject({ ok: false, message: expect.stringContaining('require is not defined') });
  });

  it('stops an endless loop', () => {
    const file = writeFile('loop.js', 'for (;;) {}\n');
    expect(loadAppConfig(file)).toMatchObject({ ok: false, message: expect.stringContaining('timed out') });
  });

  it('needs the object form of window.config', () => {
    expect(loadAppConfig(writeFile('none.js', 'var x = 1;\n'))).toMatchObject({ ok: false, message: expect.stringContaining('does not assign an object to window.config') });
    expect(loadAppConfig(writeFile('fn.js', 'window.config = function () { return {}; };\n'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('sets window.config to a function'),
    });
  });
});

describe('command line and viewer origin', () => {
  it('parses the file and flags', () => {
    expect(parseArguments(['a.js', '--viewer-origin', 'https://viewer.example.org/'])).toEqual({
      ok: true,
      options: { file: 'a.js', viewerOrigin: 'https://viewer.example.org' },
    });
    expect(parseArguments(['--viewer-origin=https://v.example.org', 'a.js', '--offline', '--timeout', '500'])).toEqual({
      ok: true,
      options: { file: 'a.js', viewerOrigin: 'https://v.example.org', offline: true, timeoutMs: 500 },
    });
    expect(parseArguments([])).toEqual({ ok: false, message: 'no app configuration file given' });
    expect(parseArguments(['a.js', '--viewer-origin', 'https://v.example.org/app'])).toMatchObject({ ok: false });
    expect(parseArguments(['a.js', '--verbose'])).toEqual({ ok: false, message: 'unknown option --verbose' });
  });

  it('derives the viewer origin from absolute module URLs only', () => {
    expect(viewerOriginFromConfig(keycloakExample())).toBe('https://viewer.example.org');
    expect(viewerOriginFromConfig({ extensions: ['@ohif/extension-default', '/modules/x.mjs'] })).toBeUndefined();
    expect(parseOrigin('https://viewer.example.org/')).toBe('https://viewer.example.org');
    expect(parseOrigin('viewer.example.org')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Against a running stand-in.

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<ProcessResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise(resolve => child.once('close', code => resolve({ code, stdout, stderr })));
}

function failedLines(stdout: string): string[] {
  return stdout.split('\n').filter(line => line.startsWith('✗'));
}

function configFileFor(name: string, standinUrl: string): string {
  const issuer = `${standinUrl}/api`;
  return writeFile(name, renderAppConfigScript(standinAppConfig(VIEWER_ORIGIN, { issuer, clientId: 'ohif-viewer', dicomWebRoot: issuer })));
}

describe('check-config against the KHEOPS stand-in', () => {
  let upstream: LoopbackServer;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    upstream = await startUnreachedOrthanc();
  });
  afterAll(async () => {
    await Promise.all(children.map(stopProcess));
    await upstream.close();
  });

  it('reports every check green for the stand-in', async () => {
    const standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: upstream.url });
    children.push(standin.child);
    const file = configFileFor('standin.js', standin.url);

    const result = await runCli([file, '--viewer-origin', VIEWER_ORIGIN]);

    expect(failedLines(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
    for (const check of ALL_CHECKS) expect(result.stdout).toContain(`✓ ${check}: `);
    expect(result.stdout).toContain('✓ refresh tokens: listed in grant_types_supported, and probed ok: a made-up refresh token is judged on its merits (invalid_grant)');
    expect(result.stdout).toContain(`✓ quirks: ${standin.url}/api: none found in discovery and the probes`);
    expect(result.stdout).toContain('All checks passed.');
  });

  it('reports exactly the refresh-token check when the provider issues none', async () => {
    const standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: upstream.url, STANDIN_REFRESH_TOKENS: '0' });
    children.push(standin.child);
    const file = configFileFor('standin-no-refresh.js', standin.url);

    const result = await runCli([file]);

    expect(failedLines(result.stdout)).toEqual([
      '✗ refresh tokens: the provider does not offer the refresh_token grant (not listed, and a refresh request is answered unsupported_grant_type): sessions cannot be renewed, so people must sign in again each time the access token expires',
    ]);
    expect(result.code).toBe(1);
  });

  it('reports a viewer origin the stand-in does not allow, for the token endpoint and DICOMweb', async () => {
    const standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: upstream.url });
    children.push(standin.child);
    const file = configFileFor('standin-other-origin.js', standin.url);

    const result = await runCli([file, '--viewer-origin', 'http://localhost:3999']);

    // The redirect URIs on that origin are not registered either.
    expect(failedLines(result.stdout).map(line => line.slice(0, line.indexOf(':')))).toEqual(['✗ redirect URIs', '✗ token endpoint CORS', '✗ DICOMweb CORS']);
    expect(result.code).toBe(1);
  });

  it('reports an issuer nobody answers for, and a DICOMweb root that is not answering', async () => {
    const closed = createServer();
    const port = await new Promise<number>(resolve => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)));
    await new Promise(resolve => closed.close(resolve));
    const file = configFileFor('nobody.js', `http://127.0.0.1:${port}`);

    const result = await runCli([file, '--timeout', '5000']);

    expect(failedLines(result.stdout)).toEqual([
      `✗ issuer reachable: http://127.0.0.1:${port}/api/.well-known/openid-configuration is unreachable (connection refused); the viewer cannot sign anyone in`,
      `✗ DICOMweb root: http://127.0.0.1:${port}/api/studies?limit=1 is not answering (connection refused)`,
      `✗ DICOMweb CORS: the preflight to http://127.0.0.1:${port}/api/studies got no answer (connection refused)`,
    ]);
    expect(result.code).toBe(1);
  });

  it('reports a DICOMweb root that answers without authentication', async () => {
    const open = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
    });
    const url = await new Promise<string>(resolve => open.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(open.address() as AddressInfo).port}`)));
    try {
      const file = writeFile('open.js', renderAppConfigScript(standinAppConfig(VIEWER_ORIGIN, { issuer: `${url}/api`, clientId: 'ohif-viewer', dicomWebRoot: `${url}/api` })));
      const result = await runCli([file]);
      expect(result.stdout).toContain(`✗ DICOMweb root: ${url}/api/studies?limit=1 answers without authentication (HTTP 200); tokens would protect nothing`);
      expect(result.code).toBe(1);
    } finally {
      await new Promise(resolve => open.close(resolve));
    }
  });

  it('explains a missing file in one line and exits 1; a usage error exits 2', async () => {
    const missing = path.join(workDir, 'nowhere.js');
    const result = await runCli([missing]);
    expect(result.stdout).toContain(`✗ app configuration: cannot read ${missing}: the file does not exist`);
    expect(result.code).toBe(1);
    const usage = await runCli([]);
    expect(usage.stderr).toContain('check-config: no app configuration file given');
    expect(usage.code).toBe(2);
  });
});
