import type { Page } from 'playwright-core';

/** Drawing, tracking and saving measurements in OHIF as a clinician does, for the end-to-end tests. */

/**
 * Draws a length measurement across the middle of the first viewport with the mouse, as a clinician
 * does, and returns the true length of the drawn line in millimetres (from the viewport's own
 * canvas-to-world transform), to compare with what the SR stores.
 */
export async function drawLength(page: Page): Promise<number> {
  await page.evaluate(() => {
    const commands = (window as unknown as { commandsManager: { run: (name: string, options: unknown) => unknown } }).commandsManager;
    commands.run('setToolActiveToolbar', { toolName: 'Length' });
  });
  const canvas = page.locator('[data-cy="viewport-pane"]').first().locator('canvas').first();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the first viewport has no canvas');
  const from = { x: box.width * 0.38, y: box.height * 0.45 };
  const to = { x: box.width * 0.62, y: box.height * 0.55 };
  await page.mouse.move(box.x + from.x, box.y + from.y);
  await page.mouse.down();
  await page.mouse.move(box.x + to.x, box.y + to.y, { steps: 12 });
  await page.mouse.up();
  return page.evaluate(
    ([a, b]) => {
      const services = (window as unknown as { services: Record<string, any> }).services;
      const viewportId = services.viewportGridService.getActiveViewportId();
      const viewport = services.cornerstoneViewportService.getCornerstoneViewport(viewportId);
      const p = viewport.canvasToWorld([a.x, a.y]) as [number, number, number];
      const q = viewport.canvasToWorld([b.x, b.y]) as [number, number, number];
      return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    },
    [from, to] as const,
  );
}

/** OHIF's measurement tracking asks whether to track this series on the first measurement: yes. */
export async function acceptTracking(page: Page): Promise<void> {
  const yes = page.getByRole('button', { name: 'Yes', exact: true });
  await yes.waitFor({ state: 'visible', timeout: 30_000 });
  await yes.click();
}

export async function measurements(page: Page): Promise<Array<{ SOPInstanceUID?: string; length?: number; toolName?: string }>> {
  return page.evaluate(() => {
    const services = (window as unknown as { services: Record<string, any> }).services;
    return (services.measurementService.getMeasurements() as any[]).map(measurement => {
      const stats = Object.values(measurement.data ?? {})[0] as { length?: number } | undefined;
      return { SOPInstanceUID: measurement.SOPInstanceUID, length: stats?.length, toolName: measurement.toolName };
    });
  });
}

/**
 * Draws a length measurement, says yes to OHIF's tracking question, and waits until OHIF lists it as
 * the page's one measurement; returns the drawn length in millimetres (see drawLength).
 */
export async function drawTrackedLength(page: Page): Promise<number> {
  const drawnMm = await drawLength(page);
  await acceptTracking(page);
  await until('the length measurement', async () => ((await measurements(page)).length === 1 ? true : undefined));
  return drawnMm;
}

/**
 * The header's "Save report to <platform>" button (the extension's), then OHIF's report dialog:
 * name it and save.
 */
export async function saveReport(page: Page, reportName: string): Promise<void> {
  await page.getByRole('button', { name: /^Save report to / }).click({ timeout: 30_000 });
  const name = page.getByPlaceholder('Report name');
  await name.waitFor({ state: 'visible', timeout: 30_000 });
  await name.fill(reportName);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise(resolve => setTimeout(resolve, 300));
  }
  throw new Error(`timed out waiting for ${what}`);
}
