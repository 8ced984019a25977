import type { BrowserContext, Page } from 'playwright-core';

/**
 * Marks, inside the viewer page, the moment its first viewport's canvas first shows an image: a
 * requestAnimationFrame loop samples the canvas (downscaled to 64×64) and applies the thresholds of
 * tests/e2e/support/image-stats.ts (lit fraction > 5 %, standard deviation > 10). Screenshots from
 * the test process would add their own latency and a polling step of hundreds of milliseconds, so the
 * timestamp is taken in the page (performance.timeOrigin + now(): wall clock, comparable with the
 * bench's Date.now()); the bench then confirms with a screenshot that the viewport is really drawn.
 */
// Plain JavaScript text on purpose: tsx (esbuild keepNames) would wrap a serialized TypeScript function's
// inner functions in a __name() helper that does not exist in the page.
const PROBE = `
(origins) => {
  if (!origins.includes(window.location.origin)) return;
  const scratch = document.createElement('canvas');
  scratch.width = 64;
  scratch.height = 64;
  const context2d = scratch.getContext('2d', { willReadFrequently: true });
  function drawn() {
    const canvas = document.querySelector('[data-cy="viewport-pane"] canvas');
    if (!canvas || !context2d || canvas.width === 0 || canvas.height === 0) return false;
    context2d.clearRect(0, 0, 64, 64);
    context2d.drawImage(canvas, 0, 0, 64, 64);
    const data = context2d.getImageData(0, 0, 64, 64).data;
    let sum = 0, squares = 0, lit = 0;
    for (let i = 0; i < data.length; i += 4) {
      const l = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      sum += l;
      squares += l * l;
      if (l > 24) lit += 1;
    }
    const n = data.length / 4;
    const mean = sum / n;
    return lit / n > 0.05 && Math.sqrt(Math.max(0, squares / n - mean * mean)) > 10;
  }
  function tick() {
    if (window.__benchFirstImageAt !== undefined) return;
    if (window.location.pathname.startsWith('/kheops') && drawn()) {
      window.__benchFirstImageAt = performance.timeOrigin + performance.now();
      return;
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
}`;

export async function installFirstImageProbe(context: BrowserContext, viewerOrigins: string[]): Promise<void> {
  await context.addInitScript({ content: `(${PROBE})(${JSON.stringify(viewerOrigins)});` });
}

/** Waits for the probe's mark on the page's current document; returns it as epoch milliseconds. */
export async function firstImageAt(page: Page, timeoutMs = 120_000): Promise<number> {
  const handle = await page.waitForFunction(() => (window as unknown as { __benchFirstImageAt?: number }).__benchFirstImageAt, undefined, {
    timeout: timeoutMs,
    polling: 100,
  });
  return (await handle.jsonValue()) as number;
}
