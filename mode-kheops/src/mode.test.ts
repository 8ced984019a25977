import { modeFactory } from './mode';
import type { ModeFactoryArgs, ModeInstance, ModeModule } from './types';

/** Stands in for OHIF's longitudinal mode: its factory applies `modeConfiguration` ($set only here). */
function longitudinal(): ModeModule {
  return {
    id: '@ohif/mode-longitudinal',
    modeInstance: { id: '@ohif/mode-longitudinal', routeName: 'viewer', displayName: 'Basic Viewer', hangingProtocol: ['default'] },
    modeFactory(this: ModeModule, { modeConfiguration }: ModeFactoryArgs): ModeInstance {
      const instance = { ...(this.modeInstance as ModeInstance) };
      for (const [key, command] of Object.entries(modeConfiguration ?? {})) {
        instance[key] = (command as { $set: unknown }).$set;
      }
      return instance;
    },
  };
}

const loadModules = (base: ModeModule | undefined) => async () => [base];

describe('modeFactory', () => {
  test('is the longitudinal mode under the KHEOPS id, route and name', async () => {
    const mode = await modeFactory({ loadModules: loadModules(longitudinal()) });
    expect(mode).toMatchObject({ id: '@kheops-ohif/mode-kheops', routeName: 'kheops', displayName: 'KHEOPS', hangingProtocol: ['default'] });
  });

  test('modesConfiguration changes the name and the hanging protocols, never the id', async () => {
    const mode = await modeFactory({
      modeConfiguration: { displayName: { $set: 'Hospital viewer' }, hangingProtocol: { $set: ['kheops-mip'] }, id: { $set: 'other' } },
      loadModules: loadModules(longitudinal()),
    });
    expect(mode).toMatchObject({ id: '@kheops-ohif/mode-kheops', routeName: 'kheops', displayName: 'Hospital viewer', hangingProtocol: ['kheops-mip'] });
  });

  test('an OHIF build without the longitudinal mode is refused by name', async () => {
    await expect(modeFactory({ loadModules: loadModules(undefined) })).rejects.toThrow('@ohif/mode-longitudinal');
  });
});
