import { deserializeDataset, type PendingSaveStore } from '../../session/pending-saves';
import { PendingSavePrompt } from './PendingSavePrompt';
import type { SaveFile } from './save-file';
import type { ModalService, NotificationService } from '../api';

export interface PendingSaveOffer {
  store: PendingSaveStore;
  user: string;
  studyInstanceUID: string;
  modal: ModalService;
  notifications: NotificationService;
  /** Sends one dataset through the active data source (with its renewal and sign-in recovery). */
  send(dataset: unknown): Promise<void>;
  /** Why the reports wait, when the server refused them just now; by default, a session that had ended. */
  reason?: string;
  /** Where "Download as .dcm" puts the files; the browser's downloads by default. */
  saveFile?: SaveFile;
}

/** When the study opens, offers to send the reports that were still waiting when a tab was closed. */
export async function offerPendingSaves(offer: PendingSaveOffer): Promise<void> {
  const saves = await offer.store.listFor(offer.user, offer.studyInstanceUID);
  if (saves.length === 0) return;
  const oldest = Math.min(...saves.map(save => save.createdAt));
  offer.modal.show({
    title: 'A report did not reach KHEOPS',
    content: PendingSavePrompt,
    contentProps: {
      count: saves.length,
      ...(offer.reason ? { reason: offer.reason } : {}),
      savedAt: new Date(oldest).toLocaleString(),
      send: async () => {
        for (const save of saves) {
          await offer.send(deserializeDataset(save.dataset));
          await offer.store.remove(save.id);
        }
        offer.modal.hide();
        offer.notifications.show({ title: 'Report saved', message: 'The waiting report is now stored in KHEOPS.', type: 'success', duration: 6_000 });
      },
      discard: async () => {
        for (const save of saves) await offer.store.remove(save.id);
        offer.modal.hide();
      },
      // A copy for the person to keep or send another way; the reports stay waiting until sent or discarded.
      // The download code (with dcmjs) is fetched only now.
      download: async () => {
        const { downloadReports } = await import('./report-download');
        return downloadReports(
          saves.map(save => deserializeDataset(save.dataset)),
          offer.saveFile,
        );
      },
    },
    shouldCloseOnEsc: false,
    shouldCloseOnOverlayClick: false,
  });
}
