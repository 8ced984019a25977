// Runs a throw-away Glewlwyd (Debian's package) as a second, independent OpenID provider for the
// viewer: a provider this project did not write, with the answers real providers give (nonce
// required, lower-case `bearer`, refusals without a body, no `id_token` on refresh, no
// `preferred_username`). Configured from tests/stack/glewlwyd-config/ and through its admin REST API.
//
// The OIDC plugin (glewlwyd-config/oidc-plugin.json): code flow only, PKCE S256 required (plain refused),
// RFC 9207 `iss` on every authorization response (`oauth-as-iss-id`), rotating refresh tokens
// (`refresh-token-one-use: always`; reuse disables the chain), replayed codes revoke what they
// issued, revocation by a Bearer access token carrying `openid` (a public client cannot authenticate
// otherwise: with `client_id` alone Glewlwyd answers 401), RP-initiated logout (`end_session_endpoint`).
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { findBinary, isPortFree, logTail, startManagedProcess, waitUntilAnswering } from './managed-process';

export interface GlewlwydUser {
  username: string;
  password: string;
  name: string;
  email: string;
}

/** Glewlwyd accounts for the stand-in's demo users: same names and passwords, an e-mail address each. */
export function glewlwydUsers(users: ReadonlyArray<{ id: string; password: string; name: string }>): GlewlwydUser[] {
  return users.map(user => ({ username: user.id, password: user.password, name: user.name, email: `${user.id}@kheops.test` }));
}

export interface GlewlwydOptions {
  port: number;
  /** Folder for the database, configuration, webapp copy and log; emptied first. */
  workDir: string;
  /** The viewer's public client: its id and exact redirect URIs. */
  client: { clientId: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
  users: readonly GlewlwydUser[];
  /** Access-token lifetime in seconds (default 300). */
  accessTokenTtl?: number;
}

export interface RunningGlewlwyd {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The OIDC plugin's issuer: <url>/api/oidc */
  issuer: string;
  clientId: string;
  /** What the viewer asks for: every scope the users have; Glewlwyd knows no `offline_access`. */
  scope: string;
  jwksUri: string;
  userinfoEndpoint: string;
  tokenEndpoint: string;
  pid: number;
  logFile: string;
  /** Lifetime of access tokens issued from now on (the plugin is reloaded, sessions survive). */
  setAccessTokenTtl(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

const TEMPLATE_DIR = path.join(import.meta.dirname, 'glewlwyd-config');
const PACKAGE_WEBAPP = '/usr/share/glewlwyd/webapp';
/** The package links webapp/config.json to this directory; the file the webapp needs is inside. */
const PACKAGE_WEBAPP_CONFIG = '/etc/glewlwyd/config-2.7.json/config.json';
const DATABASE_SCHEMA = '/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz';
/** The administrator the schema creates. Glewlwyd listens on loopback only. */
const ADMIN = { username: 'admin', password: 'password' };
const PLUGIN_NAME = 'oidc';
const SCOPES = ['openid', 'profile', 'email', 'read', 'write'];
const DEFAULT_ACCESS_TOKEN_TTL = 300;
const STARTUP_TIMEOUT_MS = 20_000;
const INSTALL_HINT = 'On Debian/Ubuntu: sudo apt-get install -y --no-install-recommends glewlwyd sqlite3';

export async function startGlewlwyd(options: GlewlwydOptions): Promise<RunningGlewlwyd> {
  const binary = findBinary('glewlwyd', ['/usr/bin/glewlwyd']);
  const sqlite = findBinary('sqlite3', ['/usr/bin/sqlite3']);
  if (!binary || !sqlite) throw new Error(`Glewlwyd${binary ? "'s sqlite3" : ''} is not installed. ${INSTALL_HINT}`);
  if (!(await isPortFree(options.port))) {
    throw new Error(`port ${options.port} is in use (Glewlwyd); set GLEWLWYD_PORT to a free port`);
  }

  const url = `http://127.0.0.1:${options.port}`;
  const files = prepareFiles(options, url, sqlite);
  const running = startManagedProcess(binary, [`--config-file=${files.config}`]);
  try {
    await waitUntilAnswering('Glewlwyd', `${url}/config.json`, running, files.log, STARTUP_TIMEOUT_MS);
    const admin = new GlewlwydAdmin(`${url}/api`);
    await configure(admin, options, url);
    const issuer = `${url}/api/${PLUGIN_NAME}`;
    return {
      url,
      issuer,
      clientId: options.client.clientId,
      scope: SCOPES.join(' '),
      jwksUri: `${issuer}/jwks`,
      userinfoEndpoint: `${issuer}/userinfo`,
      tokenEndpoint: `${issuer}/token`,
      pid: running.pid,
      logFile: files.log,
      setAccessTokenTtl: seconds => admin.setPluginParameter(PLUGIN_NAME, 'access-token-duration', seconds),
      stop: running.stop,
    };
  } catch (error) {
    await running.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logTail(files.log)}`);
  }
}

function prepareFiles(options: GlewlwydOptions, url: string, sqlite: string): { config: string; log: string } {
  rmSync(options.workDir, { recursive: true, force: true });
  mkdirSync(options.workDir, { recursive: true });
  const database = path.join(options.workDir, 'glewlwyd.sqlite3');
  const schema = spawnSync(sqlite, [database], { input: gunzipSync(readFileSync(DATABASE_SCHEMA)), encoding: 'utf8' });
  if (schema.status !== 0) throw new Error(`sqlite3 could not create Glewlwyd's database: ${schema.stderr}`);

  // The package's webapp/config.json is a symlink to a directory, so its login page hangs on
  // "Loading...": serve a dereferenced copy with the real file in its place.
  const webapp = path.join(options.workDir, 'webapp');
  cpSync(PACKAGE_WEBAPP, webapp, { recursive: true, dereference: true, filter: source => source !== path.join(PACKAGE_WEBAPP, 'config.json') });
  copyFileSync(PACKAGE_WEBAPP_CONFIG, path.join(webapp, 'config.json'));

  const log = path.join(options.workDir, 'glewlwyd.log');
  const values: Record<string, string> = {
    PORT: String(options.port),
    EXTERNAL_URL: url,
    WEBAPP_DIR: `${webapp}/`,
    LOG_FILE: log,
    DATABASE: database,
  };
  const config = path.join(options.workDir, 'glewlwyd.conf');
  const template = readFileSync(path.join(TEMPLATE_DIR, 'glewlwyd.conf'), 'utf8');
  writeFileSync(config, template.replace(/@([A-Z_]+)@/g, (match, name: string) => values[name] ?? match));
  return { config, log };
}

/** Everything after the first start: signing key, OIDC plugin, scopes, users, the viewer's client. */
async function configure(admin: GlewlwydAdmin, options: GlewlwydOptions, url: string): Promise<void> {
  await admin.signIn();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const plugin = JSON.parse(readFileSync(path.join(TEMPLATE_DIR, 'oidc-plugin.json'), 'utf8')) as { parameters: Record<string, unknown> };
  Object.assign(plugin.parameters, {
    iss: `${url}/api/${PLUGIN_NAME}`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: publicKey.export({ type: 'spki', format: 'pem' }),
    'access-token-duration': options.accessTokenTtl ?? DEFAULT_ACCESS_TOKEN_TTL,
  });
  // The client backend stores only the properties its data format lists, and the OIDC plugin reads
  // registered post-logout redirect URIs from a list property the default format does not have.
  const clientBackend = await admin.get('/mod/client/database') as { parameters: { 'data-format': Record<string, unknown> } };
  clientBackend.parameters['data-format'].post_logout_redirect_uris = { multiple: true, read: true, write: true };

  // One change at a time: Glewlwyd's sqlite backend fails concurrent writes (SQLITE_BUSY) with a 500.
  await admin.send('POST', '/mod/plugin/', plugin);
  await admin.send('PUT', '/mod/client/database', clientBackend);
  await admin.send('PUT', '/mod/client/database/reset');
  for (const scope of SCOPES.filter(name => name !== 'openid')) {
    await admin.send('POST', '/scope/', { name: scope, display_name: scope, description: `The ${scope} scope`, password_required: true, password_max_age: 0, scheme: {} });
  }
  for (const user of options.users) await admin.send('POST', '/user/', { ...user, scope: SCOPES, enabled: true });
  await admin.send('POST', '/client/', {
    client_id: options.client.clientId,
    name: 'OHIF viewer',
    enabled: true,
    confidential: false,
    token_endpoint_auth_method: ['none'],
    authorization_type: ['code', 'refresh_token'],
    redirect_uri: options.client.redirectUris,
    post_logout_redirect_uris: options.client.postLogoutRedirectUris,
    scope: [],
  });
}

/** Lifetime of access tokens a running Glewlwyd (at `url`) issues from now on; for tests. */
export function setGlewlwydAccessTokenTtl(url: string, seconds: number): Promise<void> {
  return new GlewlwydAdmin(`${url}/api`).setPluginParameter(PLUGIN_NAME, 'access-token-duration', seconds);
}

/** Glewlwyd's admin API with the administrator's session cookie. */
class GlewlwydAdmin {
  private cookie = '';

  constructor(private readonly apiUrl: string) {}

  /** The admin scope needs a password at most 10 minutes old, so later calls sign in again. */
  async signIn(): Promise<void> {
    const response = await fetch(`${this.apiUrl}/auth/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    await response.arrayBuffer();
    const cookie = response.headers.getSetCookie().map(line => line.split(';')[0]).join('; ');
    if (!response.ok || !cookie) throw new Error(`Glewlwyd refused the administrator's sign-in (HTTP ${response.status})`);
    this.cookie = cookie;
  }

  async get(apiPath: string): Promise<unknown> {
    const response = await fetch(`${this.apiUrl}${apiPath}`, { headers: { Cookie: this.cookie } });
    if (!response.ok) throw new Error(`Glewlwyd: GET ${apiPath} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }

  async send(method: 'POST' | 'PUT', apiPath: string, body?: unknown): Promise<void> {
    const response = await fetch(`${this.apiUrl}${apiPath}`, {
      method,
      headers: { Cookie: this.cookie, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Glewlwyd: ${method} ${apiPath} answered ${response.status}: ${text}`);
  }

  /** A changed plugin parameter takes effect once the plugin is reset; no restart is needed. */
  async setPluginParameter(plugin: string, name: string, value: unknown): Promise<void> {
    await this.signIn();
    const current = await this.get(`/mod/plugin/${plugin}`) as { parameters: Record<string, unknown> };
    current.parameters[name] = value;
    await this.send('PUT', `/mod/plugin/${plugin}`, current);
    await this.send('PUT', `/mod/plugin/${plugin}/reset`);
  }
}
