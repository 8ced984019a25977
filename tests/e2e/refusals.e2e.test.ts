import { artifactPath, newViewerContext, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { stackInfo, type StackInfo } from './support/stack-info';

const stack = stackInfo();
const browser = useBrowser();

test.each([
  ['an unknown issuer', (_s: StackInfo) => `iss=${encodeURIComponent('https://evil.example/api')}`, 'unknown_issuer'],
  [
    'a foreign target_link_uri',
    (s: StackInfo) => `iss=${encodeURIComponent(s.issuer)}&target_link_uri=${encodeURIComponent('https://evil.example/kheops')}`,
    'foreign_target',
  ],
])('a launch with %s is refused on screen before any sign-in', async (_name, query, code) => {
  await clearGatewayLog(stack);
  const context = await newViewerContext(browser);
  const page = await context.newPage();
  const requestedOrigins = new Set<string>();
  page.on('request', request => requestedOrigins.add(new URL(request.url()).origin));
  try {
    await page.goto(`${stack.viewerOrigin}/kheops/login?${query(stack)}`);
    await page.locator(`[data-kheops-auth-code="${code}"]`).waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-kheops-auth-status="refused"]').textContent()).resolves.toContain('This launch was refused');
    // Nothing left the viewer's origin: no provider, no gateway, no attacker.
    expect([...requestedOrigins]).toEqual([stack.viewerOrigin]);
    expect(await gatewayLog(stack)).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a refusal survives a reload and leads back to KHEOPS', async () => {
  const context = await newViewerContext(browser);
  const page = await context.newPage();
  try {
    await page.goto(`${stack.viewerOrigin}/kheops/login?iss=${encodeURIComponent(stack.issuer)}&target_link_uri=${encodeURIComponent('https://evil.example/kheops')}`);
    const refusal = page.locator('[data-kheops-auth-status="refused"]');
    await refusal.locator('[data-kheops-auth-code="foreign_target"]').waitFor({ timeout: 60_000 });
    const sentence = await refusal.locator('[data-kheops-auth-message]').textContent();
    // One plain sentence for the clinician; the protocol words are for IT, underneath.
    expect(sentence).toBe('This link tries to send you to another website, so the viewer did not open it.');
    expect(await refusal.locator('[data-kheops-auth-fix]').textContent()).toContain('target_link_uri');
    // The reason is in the address as a code and a configured issuer, nothing the launch wrote.
    const address = new URL(page.url());
    expect(address.pathname).toBe('/kheops/refused');
    expect([...address.searchParams.entries()]).toEqual([
      ['code', 'foreign_target'],
      ['issuer', stack.issuer],
    ]);
    expect(page.url()).not.toContain('evil.example');
    await page.screenshot({ path: artifactPath('refusal-foreign-target.png') });

    await page.reload();
    await refusal.locator('[data-kheops-auth-code="foreign_target"]').waitFor({ timeout: 120_000 });
    expect(await refusal.locator('[data-kheops-auth-message]').textContent()).toBe(sentence);
    await page.screenshot({ path: artifactPath('refusal-foreign-target.reloaded.png') });

    const back = refusal.locator('[data-kheops-auth-back]');
    expect(await back.textContent()).toBe('Back to KHEOPS');
    expect(await back.getAttribute('href')).toBe(stack.studyPageUrl);
    await back.click();
    await page.waitForURL(url => url.href.startsWith(stack.studyPageUrl), { timeout: 30_000 });
    expect(await page.locator('body').textContent()).toContain('KHEOPS');
  } catch (error) {
    await page.screenshot({ path: artifactPath('refusal-foreign-target.failure.png') }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
});
