import type { NotificationService } from '../api';
import type { SessionHealth } from '../../session/token-keeper';

/**
 * Tells the person, in plain words, when renewals start failing and when they work again, naming the
 * provider that holds the session (a Glewlwyd or hospital sign-in is not "KHEOPS").
 */
export function announceSessionHealth(notifications: NotificationService, health: SessionHealth, provider = 'KHEOPS'): void {
  if (health === 'at-risk') {
    notifications.show({
      title: `${provider} session at risk`,
      message: `The viewer cannot reach ${provider} to renew your session. It keeps trying; loaded images stay available. Save your work as soon as it is back.`,
      type: 'warning',
      duration: 10_000,
    });
  } else if (health === 'ended') {
    notifications.show({
      title: `Your ${provider} session ended`,
      message: `Keep working: nothing on this page is lost. The viewer asks you to sign in again at ${provider} when it next needs it, for instance when you save.`,
      type: 'error',
      duration: 15_000,
    });
  } else if (health === 'active') {
    notifications.show({ title: `${provider} session renewed`, message: `The connection to ${provider} is back.`, type: 'success', duration: 4_000 });
  }
}
