/** The parts of an OHIF mode definition this package reads or writes. */
export interface ModeInstance {
  id: string;
  routeName: string;
  displayName: string;
  extensions?: Record<string, string>;
  [key: string]: unknown;
}

export interface ModeModule {
  id: string;
  modeInstance?: ModeInstance;
  modeFactory?: (this: ModeModule, args: ModeFactoryArgs) => ModeInstance | Promise<ModeInstance>;
  extensionDependencies?: Record<string, string>;
}

export interface ModeFactoryArgs {
  modeConfiguration?: Record<string, unknown>;
  loadModules: (modules: string[]) => Promise<Array<ModeModule | undefined>>;
}
