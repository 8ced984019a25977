import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// SwiftShader gives WebGL2 without a GPU; the networking flags keep Chromium from calling out.
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}. On Debian: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/**
 * One Chromium per test file, started before its tests and closed after them. The value is usable
 * only inside tests; it forwards to the browser launched in beforeAll, so files need no hooks of their own.
 */
export function useBrowser(): Browser {
  let launched: Browser | undefined;
  beforeAll(async () => {
    launched = await launchBrowser();
  });
  afterAll(async () => {
    await launched?.close();
  });
  return new Proxy({} as Browser, {
    get(_target, key) {
      if (!launched) throw new Error('the browser is started in beforeAll: use it inside a test');
      const value: unknown = Reflect.get(launched, key, launched);
      return typeof value === 'function' ? value.bind(launched) : value;
    },
  });
}

/** A fresh profile whose OHIF tour popup is already dismissed, as a returning clinician's would be. */
export async function newViewerContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => {
    try {
      window.localStorage.setItem('shownTours', '["basicViewerTour"]');
    } catch {
      // pages on other origins may refuse storage access; nothing to dismiss there
    }
  });
  return context;
}

export function artifactPath(name: string): string {
  const dir = path.resolve(__dirname, '..', '..', '.artifacts');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
