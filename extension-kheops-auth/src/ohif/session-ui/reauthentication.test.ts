import type { ModalService } from '../api';
import { Reauthentication } from './reauthentication';

function modal() {
  const shown: Array<{ contentProps?: Record<string, unknown> }> = [];
  const service: ModalService & { hide: jest.Mock } = { show: options => void shown.push(options), hide: jest.fn() };
  return { service, shown };
}

test('everything waiting shares one sign-in, released when it succeeds', async () => {
  const { service, shown } = modal();
  const signInAgain = jest.fn().mockResolvedValue(undefined);
  const reauthentication = new Reauthentication(service, () => 'KHEOPS', signInAgain);
  const first = reauthentication.reauthenticate();
  const second = reauthentication.reauthenticate();
  expect(shown).toHaveLength(2);
  const signIn = shown[1]!.contentProps!.signIn as () => Promise<void>;
  await signIn();
  await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
  expect(signInAgain).toHaveBeenCalledTimes(1);
  expect(service.hide).toHaveBeenCalled();
});

test('a cancelled popup keeps everything waiting and lets the person try again', async () => {
  const { service, shown } = modal();
  const signInAgain = jest.fn().mockRejectedValueOnce(new Error('Popup closed by user')).mockResolvedValueOnce(undefined);
  const reauthentication = new Reauthentication(service, () => 'KHEOPS', signInAgain);
  let released = false;
  void reauthentication.reauthenticate().then(() => (released = true));
  const signIn = shown[0]!.contentProps!.signIn as () => Promise<void>;
  await expect(signIn()).rejects.toThrow('Popup closed by user');
  await Promise.resolve();
  expect(released).toBe(false);
  expect(service.hide).not.toHaveBeenCalled();
  await signIn();
  await new Promise(resolve => setTimeout(resolve, 0));
  expect(released).toBe(true);
});
