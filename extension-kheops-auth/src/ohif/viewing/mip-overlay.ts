import { MIP_ORIENTATION, MIP_VIEWPORT_ID } from './mip-protocol';

/** What an overlay item's `condition` and `contentF` are given (OHIF's CustomizableViewportOverlay). */
export interface OverlayProps {
  viewportId?: string;
  servicesManager?: { services: { cornerstoneViewportService?: { getCornerstoneViewport(id: string): { getSlabThickness?: () => number } | undefined } } };
}

export const MIP_OVERLAY_TITLE = 'Maximum intensity projection';

/** "MIP · coronal · slab 300 mm": what the projection is, instead of the position of one slice in it. */
export function describeMip(slabThicknessMm: number | undefined): string {
  const slab = typeof slabThicknessMm === 'number' && Number.isFinite(slabThicknessMm) && slabThicknessMm > 0 ? ` · slab ${Math.round(slabThicknessMm)} mm` : '';
  return `MIP · ${MIP_ORIENTATION}${slab}`;
}

const isMip = (props: OverlayProps): boolean => props.viewportId === MIP_VIEWPORT_ID;

/**
 * OHIF's bottom-right overlay shows the slice counter ("129/256"), which means nothing for a
 * projection through the whole volume: in the MIP viewport it gives way to what the image is. Other
 * viewports keep OHIF's own item, as the cornerstone extension defines it.
 */
export function mipOverlayCustomization() {
  return {
    'viewportOverlay.bottomRight': {
      $set: [
        { id: 'InstanceNumber', inheritsFrom: 'ohif.overlayItem.instanceNumber', title: 'Instance Number', condition: (props: OverlayProps) => !isMip(props) },
        {
          id: 'KheopsMip',
          inheritsFrom: 'ohif.overlayItem',
          label: '',
          title: MIP_OVERLAY_TITLE,
          condition: isMip,
          contentF: (props: OverlayProps) => {
            const viewport = props.viewportId ? props.servicesManager?.services.cornerstoneViewportService?.getCornerstoneViewport(props.viewportId) : undefined;
            return describeMip(viewport?.getSlabThickness?.());
          },
        },
      ],
    },
  };
}
