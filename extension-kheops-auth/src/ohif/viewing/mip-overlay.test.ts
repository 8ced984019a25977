import { describeMip, mipOverlayCustomization } from './mip-overlay';
import { MIP_VIEWPORT_ID } from './mip-protocol';

describe('the MIP overlay', () => {
  it('says what the projection is', () => {
    expect(describeMip(301.4)).toBe('MIP · coronal · slab 301 mm');
    expect(describeMip(undefined)).toBe('MIP · coronal');
    expect(describeMip(Number.NaN)).toBe('MIP · coronal');
  });

  it('replaces the slice counter in the MIP viewport only', () => {
    const [instanceNumber, mip] = mipOverlayCustomization()['viewportOverlay.bottomRight'].$set;
    if (!instanceNumber || !mip) throw new Error('two overlay items expected');
    expect(instanceNumber.condition({ viewportId: 'default' })).toBe(true);
    expect(instanceNumber.condition({ viewportId: MIP_VIEWPORT_ID })).toBe(false);
    expect(mip.condition({ viewportId: MIP_VIEWPORT_ID })).toBe(true);
    const services = { cornerstoneViewportService: { getCornerstoneViewport: () => ({ getSlabThickness: () => 250 }) } };
    expect(mip.contentF?.({ viewportId: MIP_VIEWPORT_ID, servicesManager: { services } })).toBe('MIP · coronal · slab 250 mm');
  });
});
