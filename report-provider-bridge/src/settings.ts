// The bridge's settings, all from the environment (a container or a process manager sets them), checked
// at start so that a wrong one stops the bridge with its name instead of failing at the first launch.
import { readFileSync } from 'node:fs';

export interface BridgeSettings {
  host: string;
  port: number;
  /** Where browsers and KHEOPS reach the bridge, e.g. https://viewer.example.org/kheops-bridge. */
  publicUrl: URL;
  /** The viewer page a launch lands on (the extension's bridge landing route), on the viewer's origin. */
  viewerLanding: URL;
  /** KHEOPS origins whose conf_uri, token endpoint and DICOMweb root the bridge may talk to. */
  kheopsRoots: string[];
  /** PEM (PKCS#8 RSA) private keys, oldest first: every one is published, the last one signs. */
  signingKeysPem: string[];
  /** 32-byte keys for the sealed cookie, newest first: the first seals, every one opens. */
  cookieKeys: Uint8Array[];
  /** A directory every replica shares: one file per code already redeemed. */
  seenCodesDir: string;
  /** Names this process in its log lines (one per replica). */
  replicaName: string;
  clientName: string;
}

export class SettingsError extends Error {}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new SettingsError(`${name} is required`);
  return value;
}

function list(value: string): string[] {
  return value.split(',').map(item => item.trim()).filter(Boolean);
}

function secureUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(`${name}="${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new SettingsError(`${name}="${value}" must use https (http only on localhost)`);
  }
  if (url.search || url.hash || url.username || url.password) throw new SettingsError(`${name}="${value}" must not carry a query, fragment or credentials`);
  return url;
}

function cookieKey(text: string, index: number): Uint8Array {
  const key = Buffer.from(text, 'base64url');
  if (key.length !== 32) throw new SettingsError(`BRIDGE_COOKIE_KEYS[${index}] must be 32 bytes in base64url (e.g. openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')`);
  return new Uint8Array(key);
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): BridgeSettings {
  const port = Number(env.BRIDGE_PORT ?? '8095');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError(`BRIDGE_PORT=${env.BRIDGE_PORT} is not a port number`);
  const publicUrl = secureUrl('BRIDGE_PUBLIC_URL', required(env, 'BRIDGE_PUBLIC_URL').replace(/\/+$/, ''));
  const viewerLanding = secureUrl('BRIDGE_VIEWER_LANDING', required(env, 'BRIDGE_VIEWER_LANDING'));
  // The cookie must reach the viewer's requests: the bridge is mounted on the viewer's own origin.
  if (viewerLanding.origin !== publicUrl.origin) throw new SettingsError('BRIDGE_VIEWER_LANDING must be on the origin of BRIDGE_PUBLIC_URL (mount the bridge on the viewer\'s origin)');
  const kheopsRoots = list(required(env, 'BRIDGE_KHEOPS_ROOTS')).map((root, index) => {
    const url = secureUrl(`BRIDGE_KHEOPS_ROOTS[${index}]`, root);
    if (url.pathname !== '/') throw new SettingsError(`BRIDGE_KHEOPS_ROOTS[${index}]="${root}" must be an origin such as https://kheops.example.org`);
    return url.origin;
  });
  const signingKeysPem = list(required(env, 'BRIDGE_SIGNING_KEYS')).map(file => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new SettingsError(`BRIDGE_SIGNING_KEYS: cannot read ${file} (${(error as Error).message})`);
    }
  });
  const cookieKeys = list(required(env, 'BRIDGE_COOKIE_KEYS')).map(cookieKey);
  return {
    host: env.BRIDGE_HOST || '127.0.0.1',
    port,
    publicUrl,
    viewerLanding,
    kheopsRoots,
    signingKeysPem,
    cookieKeys,
    seenCodesDir: required(env, 'BRIDGE_SEEN_CODES_DIR'),
    replicaName: env.BRIDGE_REPLICA_NAME || `bridge-${process.pid}`,
    clientName: env.BRIDGE_CLIENT_NAME || 'OHIF viewer',
  };
}
