import type { Page } from 'playwright-core';

/** Mouse-wheel scrolling through the viewports' images, back and forth, one pane after the other. */
export async function scroll(page: Page, times: number): Promise<void> {
  const panes = page.locator('[data-cy="viewport-pane"]');
  const count = await panes.count();
  for (let i = 0; i < times; i += 1) {
    const box = await panes.nth(i % count).boundingBox();
    if (!box) continue;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, i % 10 < 5 ? 120 : -120);
  }
}
