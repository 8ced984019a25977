import { callWithRecovery, type RecoveringSession } from './request-retry';

const unauthorized = () => Object.assign(new Error('request failed'), { status: 401 });

function session(renewWorks: boolean): RecoveringSession & { renewNow: jest.Mock; reauthenticate: jest.Mock } {
  return {
    renewNow: jest.fn(async () => {
      if (!renewWorks) throw Object.assign(new Error('grant revoked'), { error: 'invalid_grant' });
    }),
    reauthenticate: jest.fn(async () => undefined),
  };
}

test('passes a successful call through untouched', async () => {
  const s = session(true);
  await expect(callWithRecovery(async () => 'ok', s)).resolves.toBe('ok');
  expect(s.renewNow).not.toHaveBeenCalled();
});

test('renews and retries once after a 401', async () => {
  const s = session(true);
  const call = jest.fn().mockRejectedValueOnce(unauthorized()).mockResolvedValueOnce('ok');
  await expect(callWithRecovery(call, s)).resolves.toBe('ok');
  expect(call).toHaveBeenCalledTimes(2);
  expect(s.reauthenticate).not.toHaveBeenCalled();
});

test('a second 401 waits for a new sign-in, then sends again', async () => {
  const s = session(true);
  const call = jest.fn().mockRejectedValueOnce(unauthorized()).mockRejectedValueOnce(unauthorized()).mockResolvedValueOnce('stored');
  await expect(callWithRecovery(call, s)).resolves.toBe('stored');
  expect(call).toHaveBeenCalledTimes(3);
  expect(s.reauthenticate).toHaveBeenCalledTimes(1);
});

test('a renewal that is refused goes straight to a new sign-in', async () => {
  const s = session(false);
  const call = jest.fn().mockRejectedValueOnce(unauthorized()).mockResolvedValueOnce('stored');
  await expect(callWithRecovery(call, s)).resolves.toBe('stored');
  expect(call).toHaveBeenCalledTimes(2);
  expect(s.reauthenticate).toHaveBeenCalledTimes(1);
});

test('other errors are not retried', async () => {
  const s = session(true);
  const call = jest.fn().mockRejectedValue(Object.assign(new Error('gone'), { status: 404 }));
  await expect(callWithRecovery(call, s)).rejects.toMatchObject({ status: 404 });
  expect(call).toHaveBeenCalledTimes(1);
});

test('keeps the request outside the page before waiting for a sign-in', async () => {
  const s = session(false);
  const order: string[] = [];
  s.reauthenticate.mockImplementation(async () => void order.push('sign-in'));
  const call = jest.fn().mockRejectedValueOnce(unauthorized()).mockResolvedValueOnce('stored');
  await callWithRecovery(call, s, async () => void order.push('kept'));
  expect(order).toEqual(['kept', 'sign-in']);
});
