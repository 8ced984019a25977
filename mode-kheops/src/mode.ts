import { AUTH_EXTENSION_ID, BASE_MODE, MODE_ID, ROUTE_NAME } from './id';
import type { ModeFactoryArgs, ModeInstance, ModeModule } from './types';
import { addHeaderButtons, type ToolbarService } from './header-buttons';

interface ModeEnterContext {
  servicesManager?: { services?: { toolbarService?: ToolbarService } };
  [key: string]: unknown;
}

/** What makes the longitudinal mode the KHEOPS mode; `modesConfiguration` may change all but the id. */
const IDENTITY = { id: MODE_ID, routeName: ROUTE_NAME, displayName: 'KHEOPS' } as const;

/**
 * Builds the KHEOPS mode from OHIF's own longitudinal mode (measurement tracking, SR, MPR, the
 * full toolbar) instead of copying it, so it follows OHIF upgrades. The identity is put on the base
 * instance *before* the longitudinal factory applies `modeConfiguration` (the app config's
 * `modesConfiguration['@kheops-ohif/mode-kheops']`, immutability-helper commands), so a deployer's
 * `displayName` or `hangingProtocol` wins; the id does not change, as OHIF finds the configuration by it.
 */
export async function modeFactory({ modeConfiguration, loadModules }: ModeFactoryArgs): Promise<ModeInstance> {
  const [base] = await loadModules([BASE_MODE]);
  if (!base) {
    throw new Error(`${MODE_ID} needs ${BASE_MODE}, which this OHIF build does not provide.`);
  }
  const identified: ModeModule = base.modeInstance ? { ...base, modeInstance: { ...base.modeInstance, ...IDENTITY } } : base;
  const baseInstance = base.modeFactory
    ? await base.modeFactory.call(identified, { modeConfiguration: modeConfiguration ?? {}, loadModules })
    : identified.modeInstance;
  if (!baseInstance) {
    throw new Error(`${BASE_MODE} has neither a modeFactory nor a modeInstance.`);
  }
  const baseEnter = baseInstance.onModeEnter as ((this: ModeInstance, context: ModeEnterContext) => unknown) | undefined;
  return {
    ...IDENTITY,
    ...baseInstance,
    id: MODE_ID,
    // The longitudinal toolbar, then the extension's controls in the header (header-buttons.ts).
    onModeEnter(this: ModeInstance, context: ModeEnterContext) {
      const result = baseEnter?.call(this, context);
      addHeaderButtons(context?.servicesManager?.services?.toolbarService);
      return result;
    },
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
