import { AUTH_EXTENSION_ID, BASE_MODE, MODE_ID, ROUTE_NAME } from './id';
import type { ModeFactoryArgs, ModeInstance, ModeModule } from './types';

/**
 * Builds the KHEOPS mode from OHIF's own longitudinal mode (measurement tracking, SR, MPR, the
 * full toolbar) instead of copying it, so it follows OHIF upgrades. `modeConfiguration` from the
 * app config is applied by the longitudinal factory, the same way it is for that mode.
 */
export async function modeFactory({ modeConfiguration, loadModules }: ModeFactoryArgs): Promise<ModeInstance> {
  const [base] = await loadModules([BASE_MODE]);
  if (!base) {
    throw new Error(`${MODE_ID} needs ${BASE_MODE}, which this OHIF build does not provide.`);
  }
  const baseInstance = base.modeFactory
    ? await base.modeFactory.call(base, { modeConfiguration: modeConfiguration ?? {}, loadModules })
    : base.modeInstance;
  if (!baseInstance) {
    throw new Error(`${BASE_MODE} has neither a modeFactory nor a modeInstance.`);
  }
  return {
    ...baseInstance,
    id: MODE_ID,
    routeName: ROUTE_NAME,
    displayName: 'KHEOPS',
    // Not listed in `extensions`: OHIF imports each of those by name when the route opens, and the
    // prebuilt app knows this extension only by the URL it was loaded from at start-up.
  };
}

const kheopsMode: ModeModule = {
  id: MODE_ID,
  modeFactory,
  extensionDependencies: {
    '@ohif/extension-default': '^3.13.0',
    '@ohif/extension-cornerstone': '^3.13.0',
    '@ohif/extension-measurement-tracking': '^3.13.0',
    '@ohif/extension-cornerstone-dicom-sr': '^3.13.0',
    [AUTH_EXTENSION_ID]: '^0.1.0',
  },
};

export default kheopsMode;
