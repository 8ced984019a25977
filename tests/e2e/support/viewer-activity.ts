import type { Page } from 'playwright-core';

/** A QIDO search through OHIF's own data source, so the request takes the header OHIF asks for. */
export async function searchThroughOhif(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const manager = (window as unknown as { extensionManager: any }).extensionManager;
    const [dataSource] = manager.getActiveDataSource();
    const studies = await dataSource.query.studies.search({});
    return studies.length as number;
  });
}

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
