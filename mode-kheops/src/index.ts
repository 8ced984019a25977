import kheopsMode from './mode';

export default kheopsMode;
export { modeFactory } from './mode';
export { MODE_ID, ROUTE_NAME } from './id';
export type { ModeInstance, ModeModule, ModeFactoryArgs } from './types';
