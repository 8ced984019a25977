import type { NotificationService } from '../api';
import type { SessionHealth } from '../../session/token-keeper';


/** Tells the person, in plain words, when renewals start failing and when they work again. */
export function announceSessionHealth(notifications: NotificationService, health: SessionHealth): void {
  if (health === 'at-risk') {
    notifications.show({
      title: 'KHEOPS session at risk',
      message: 'The viewer cannot reach KHEOPS to renew your session. It keeps trying; loaded images stay available. Save your work as soon as it is back.',
      type: 'warning',
      duration: 10_000,
    });
  } else if (health === 'ended') {
    notifications.show({
      title: 'Your KHEOPS session ended',
      message: 'Keep working: nothing on this page is lost. The viewer asks you to sign in again when it next needs KHEOPS, for instance when you save.',
      type: 'error',
      duration: 15_000,
    });
  } else if (health === 'active') {
    notifications.show({ title: 'KHEOPS session renewed', message: 'The connection to KHEOPS is back.', type: 'success', duration: 4_000 });
  }
}
