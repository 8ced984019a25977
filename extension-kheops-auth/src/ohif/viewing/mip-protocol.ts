/** Id of the MIP layout in OHIF's hanging protocol registry (and in `?hangingProtocolId=`). */
export const MIP_PROTOCOL_ID = 'kheops-mip';
/** The one viewport of the MIP layout; its overlay says "MIP" instead of a slice counter (mip-overlay.ts). */
export const MIP_VIEWPORT_ID = 'kheops-mip-coronal';
/** The MIP's projection direction, as the overlay names it. */
export const MIP_ORIENTATION = 'coronal';

/**
 * A one-viewport layout showing a maximum intensity projection through the whole volume of the
 * active series: a volume viewport whose display set is drawn with blendMode MIP over a slab as
 * thick as the volume (OHIF resolves 'fullVolume' to the volume's diagonal), as OHIF's TMTV mode
 * draws its PET MIP. `isPreset` puts it in the Layout menu beside OHIF's MPR and 3D presets.
 * Coronal, because that is the projection clinicians read a CT angiography or bone MIP in.
 */
export const mipProtocol = {
  id: MIP_PROTOCOL_ID,
  name: 'MIP',
  // An icon OHIF ships (a single pane, as "3D only"); the Layout menu shows presets by icon and title.
  icon: 'layout-advanced-3d-only',
  isPreset: true,
  locked: true,
  createdDate: '2026-01-01',
  modifiedDate: '2026-01-01',
  availableTo: {},
  editableBy: {},
  numberOfPriorsReferenced: 0,
  protocolMatchingRules: [],
  imageLoadStrategy: 'interleaveCenter',
  callbacks: {},
  displaySetSelectors: {
    // OHIF's Layout menu and setHangingProtocol fill `activeDisplaySet` with the active viewport's
    // series, so the MIP is of the series the clinician is looking at; only a volume can be projected.
    activeDisplaySet: {
      seriesMatchingRules: [
        { weight: 1, attribute: 'isReconstructable', constraint: { equals: { value: true } }, required: true },
      ],
    },
  },
  stages: [
    {
      name: 'MIP coronal',
      viewportStructure: { layoutType: 'grid', properties: { rows: 1, columns: 1 } },
      viewports: [
        {
          viewportOptions: {
            viewportId: MIP_VIEWPORT_ID,
            // The MPR tool group: its tools are set up for volume viewports (window level, pan, zoom).
            toolGroupId: 'mpr',
            viewportType: 'volume',
            orientation: MIP_ORIENTATION,
            initialImageOptions: { preset: 'middle' },
          },
          displaySets: [{ id: 'activeDisplaySet', options: { blendMode: 'MIP', slabThickness: 'fullVolume' } }],
        },
      ],
    },
  ],
} as const;

/** What OHIF's extension manager reads from `getHangingProtocolModule()`: it registers each protocol given. */
export function hangingProtocolModule() {
  return [{ name: MIP_PROTOCOL_ID, protocol: mipProtocol }];
}
