import type { NotificationService } from '../api';
import { readUpgradeOutcome, saveUpgradeOutcome } from '../../session/silent-upgrade';

/**
 * Says once, when the study opens, what became of the launch's upgrade: a renewable session through
 * KHEOPS's sign-in, or the one sentence saying why the KHEOPS link's own session stays. The badge
 * keeps saying it for as long as the session lasts (`upgradeNote`).
 */
export function announceUpgradeOutcome(notifications: NotificationService, storage: Storage, who: () => string | undefined): void {
  const outcome = readUpgradeOutcome(storage);
  if (!outcome || outcome.announced) return;
  saveUpgradeOutcome(storage, { ...outcome, announced: true });
  notifications.show(
    outcome.upgraded
      ? { title: 'KHEOPS session', message: `This session is for ${who() ?? 'you'} and is renewed through your KHEOPS sign-in: it does not end with the link.`, type: 'success', duration: 10_000 }
      : { title: 'KHEOPS session', message: outcome.reason, type: 'info', duration: 20_000 },
  );
}

/** The badge's line about the upgrade, while the session it describes is the tab's. */
export function upgradeNote(storage: Storage, renewable: boolean): string | undefined {
  const outcome = readUpgradeOutcome(storage);
  return outcome && !outcome.upgraded && !renewable ? outcome.reason : undefined;
}
