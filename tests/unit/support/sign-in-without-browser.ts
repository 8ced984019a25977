// A minimal browser for the provider tests: a cookie jar and manual redirects, enough to drive the
// code + PKCE flow against the stand-in (either profile) without Chromium.
import { createHash, randomBytes } from 'node:crypto';

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** Follows redirects inside the provider until one leaves for the viewer; returns that URL. */
export async function followToViewer(jar: CookieJar, viewerOrigin: string, start: string, init: RequestInit = {}): Promise<URL> {
  let url = start;
  let request: RequestInit = init;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(url, { ...request, redirect: 'manual', headers: { ...(request.headers ?? {}), cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (!location) throw new Error(`no redirect from ${url}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    const next = new URL(location, url);
    if (next.origin === viewerOrigin) return next;
    url = next.href;
    request = {};
  }
  throw new Error('too many redirects');
}
