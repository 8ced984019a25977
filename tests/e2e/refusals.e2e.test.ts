import { newViewerContext, useBrowser } from './support/browser';
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
