import type { CommandsManager } from '../api';
import { guardStoreCommand } from './store-guard';
import type { StorePermission } from '../../session/store-permission';

function fakeCommands() {
  const calls: Array<Record<string, unknown>> = [];
  const definition: { commandFn?: (params: Record<string, unknown>) => unknown } = {
    commandFn: params => {
      calls.push(params);
      return async () => 'stored';
    },
  };
  const manager: CommandsManager = { getCommand: name => (name === 'createStoreFunction' ? definition : undefined) };
  return { manager, definition, calls };
}

const denied: StorePermission = { allowed: false, reason: 'This session can only read.' };

describe('guardStoreCommand', () => {
  test('a session that may write gets OHIF\'s own store function', async () => {
    const { manager, definition, calls } = fakeCommands();
    expect(guardStoreCommand(manager, () => ({ allowed: true }))).toBe(true);
    const store = definition.commandFn?.({ dataSource: 'kheops' }) as () => Promise<string>;
    await expect(store()).resolves.toBe('stored');
    expect(calls).toEqual([{ dataSource: 'kheops' }]);
  });

  test('a read-only session gets a store function that refuses with the reason, and OHIF\'s is never made', async () => {
    const { manager, definition, calls } = fakeCommands();
    guardStoreCommand(manager, () => denied);
    const store = definition.commandFn?.({ dataSource: 'kheops' }) as () => Promise<unknown>;
    await expect(store()).rejects.toThrow('This session can only read.');
    expect(calls).toEqual([]);
  });

  test('saving to the browser (download, clipboard, local files) needs no write access', () => {
    const { manager, definition, calls } = fakeCommands();
    guardStoreCommand(manager, () => denied);
    for (const dataSource of ['download', 'copyToClipboard', 'dicomlocal']) definition.commandFn?.({ dataSource });
    expect(calls.map(call => call.dataSource)).toEqual(['download', 'copyToClipboard', 'dicomlocal']);
  });

  test('the permission is asked at save time, so a session that changes is followed', async () => {
    const { manager, definition } = fakeCommands();
    let permission: StorePermission = denied;
    guardStoreCommand(manager, () => permission);
    permission = { allowed: true };
    const store = definition.commandFn?.({ dataSource: 'kheops' }) as () => Promise<string>;
    await expect(store()).resolves.toBe('stored');
  });

  test('guarding twice wraps once; without the command there is nothing to guard', async () => {
    const { manager, definition, calls } = fakeCommands();
    guardStoreCommand(manager, () => ({ allowed: true }));
    guardStoreCommand(manager, () => denied);
    (definition.commandFn?.({ dataSource: 'kheops' }) as () => Promise<string>)();
    expect(calls).toHaveLength(1);
    expect(guardStoreCommand({ getCommand: () => undefined }, () => denied)).toBe(false);
  });
});
