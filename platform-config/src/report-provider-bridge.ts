// The viewer side of the report-provider bridge (report-provider-bridge/, docs/kheops-setup.md): the bridge
// is mounted on the viewer's own origin, and the viewer trusts it as an issuer entry of launch kind
// "bridge" whose DICOMweb root is the bridge's /dicomweb (the bridge adds KHEOPS's token there).
import { viewerAppConfig, type KheopsInstance } from './app-config';

export const BRIDGE_PATH = '/kheops-bridge';

export function bridgeInstance(viewerOrigin: string, displayName = 'KHEOPS (through the report-provider bridge)'): KheopsInstance {
  return {
    issuer: `${viewerOrigin}${BRIDGE_PATH}`,
    clientId: 'report-provider-bridge',
    dicomWebRoot: `${viewerOrigin}${BRIDGE_PATH}/dicomweb`,
    displayName,
    launches: ['bridge'],
  };
}

export function bridgeViewerAppConfig(viewerOrigin: string): Record<string, unknown> {
  return viewerAppConfig({ modulesBaseUrl: `${viewerOrigin}/modules`, kheops: [bridgeInstance(viewerOrigin)] });
}
