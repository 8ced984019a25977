import { OHIF_DICOMWEB_NAMESPACE, type ExtensionManager } from '../api';
import { describeDataset, serializeDataset, type PendingSaveStore } from '../../session/pending-saves';
import { withLiveAuthorization } from './live-authorization';
import { documentFirstImageSignals, FirstImageFirst, type SeriesLoad } from './first-image-first';
import { callWithRecovery, isForbidden, type RecoveringSession } from './request-retry';
import { refusedSaveMessage } from '../../session/store-permission';

type AnyFunction = (...args: unknown[]) => unknown;

export interface AuthenticatedSession extends RecoveringSession {
  /** Makes sure the next request carries a token that is not about to expire. */
  ensureFresh(): Promise<void>;
  /** The signed-in person (`sub`), to file a report that waits for a sign-in under their name. */
  userId(): string | undefined;
  pendingSaves: PendingSaveStore;
  /** The DICOMweb platform's name as people know it ("KHEOPS"), for the message of a refused save. */
  platformName(): string;
  /** Shows the page's person the report that the server refused to store, kept and downloadable. */
  saveRefused(message: string): void;
}

/** The server refused the report itself (403): no sign-in can change that, so it stays kept. */
export class SaveRefusedError extends Error {
  readonly status = 403;
}

/**
 * Sends a report with a fresh token; while it waits for a new sign-in, a copy is kept outside the
 * page. A report the server refuses (403: this person may not add to this study) is kept the same
 * way, so nothing is lost: the page offers it for download, and the error OHIF shows says why.
 */
function storeWithRecovery(session: AuthenticatedSession, call: () => Promise<unknown>, dataset: unknown): Promise<unknown> {
  const identity = describeDataset(dataset);
  const user = session.userId();
  const id = identity && user ? `${user}|${identity.sopInstanceUID}` : undefined;
  const hold =
    identity && user && id
      ? () => session.pendingSaves.put({ id, user, studyInstanceUID: identity.studyInstanceUID, createdAt: Date.now(), dataset: serializeDataset(dataset) })
      : undefined;
  return session
    .ensureFresh()
    .catch(() => undefined)
    .then(() => callWithRecovery(call, session, hold))
    .then(
      async result => {
        if (id) await session.pendingSaves.remove(id).catch(() => undefined);
        return result;
      },
      async (error: unknown) => {
        if (!isForbidden(error) || !hold) throw error;
        const platform = session.platformName();
        const kept = await hold().then(
          () => true,
          (holdError: unknown) => {
            console.warn('[kheops-auth] could not keep the refused report in this browser', holdError);
            return false;
          },
        );
        if (!kept) throw new SaveRefusedError(`${platform} refused to store this report (403): your account may not add to this study or album, and this browser could not keep a copy.`);
        const message = refusedSaveMessage(platform);
        session.saveRefused(message);
        throw new SaveRefusedError(message);
      },
    );
}

/** The data source calls that go to the server with the bearer token and can be refused with 401. */
const RECOVERING_CALLS = [
  ['query', 'studies', 'search'],
  ['query', 'series', 'search'],
  ['query', 'instances', 'search'],
  ['retrieve', 'series', 'metadata'],
  ['retrieve', 'bulkDataURI'],
  ['store', 'dicom'],
] as const;

function wrapAt(instance: Record<string, unknown>, path: readonly string[], wrap: (original: AnyFunction, owner: object) => AnyFunction): void {
  let owner: unknown = instance;
  for (const key of path.slice(0, -1)) {
    owner = (owner as Record<string, unknown> | undefined)?.[key];
  }
  const name = path[path.length - 1] as string;
  const container = owner as Record<string, unknown> | undefined;
  const original = container?.[name];
  if (container && typeof original === 'function') {
    container[name] = wrap(original as AnyFunction, container);
  }
}

/**
 * OHIF has no answer to a 401 but a full-page sign-in that throws away unsaved measurements. This
 * data source is OHIF's DICOMweb one with its server calls retried after a renewal, or held until
 * the person signs in again; a report is stored only with a freshly checked token. Its header values
 * are read when each request is sent, so bulk data fetched through the functions OHIF attaches to
 * instance metadata carries the current token too (live-authorization.ts).
 */
/** In a page, the clicked series first (first-image-first.ts); elsewhere (no document) nothing waits. */
function pageFirstImageFirst(): FirstImageFirst | undefined {
  if (typeof document === 'undefined' || typeof window === 'undefined') return undefined;
  return new FirstImageFirst({ signals: documentFirstImageSignals(document, window), search: () => window.location.search });
}

/** The study queries that wait for the first image, and the series metadata load whose order it sets. */
function putClickedSeriesFirst(instance: Record<string, unknown>, firstImage: FirstImageFirst): void {
  wrapAt(instance, ['query', 'studies', 'search'], (original, owner) => (...args: unknown[]) => firstImage.afterFirstImage(() => Promise.resolve(original.apply(owner, args))));
  wrapAt(instance, ['retrieve', 'series', 'metadata'], (original, owner) => (...args: unknown[]) => {
    const result = Promise.resolve(original.apply(owner, args));
    const options = args[0] as { returnPromises?: boolean } | undefined;
    if (!options?.returnPromises) return result;
    return result.then(loads => (Array.isArray(loads) ? firstImage.orderSeriesLoads(loads as SeriesLoad[]) : loads));
  });
}

export interface AuthenticatedDataSourceOptions {
  /** Who orders the study load (default: the page's FirstImageFirst); undefined: OHIF's own order. */
  firstImageFirst?: () => FirstImageFirst | undefined;
}

export function createAuthenticatedDataSourceModule(session: () => AuthenticatedSession | undefined, options: AuthenticatedDataSourceOptions = {}) {
  return [
    {
      name: 'dicomweb',
      type: 'webApi',
      createDataSource(configuration: unknown, servicesManager: unknown, extensionManager: Pick<ExtensionManager, 'getModuleEntry'>) {
        const ohif = extensionManager.getModuleEntry(OHIF_DICOMWEB_NAMESPACE);
        if (!ohif) {
          throw new Error(`${OHIF_DICOMWEB_NAMESPACE} is not registered; @ohif/extension-default must be loaded.`);
        }
        const instance = ohif.createDataSource(configuration, withLiveAuthorization(servicesManager), extensionManager) as Record<string, unknown>;
        for (const path of RECOVERING_CALLS) {
          wrapAt(instance, path, (original, owner) => {
            const isStore = path[0] === 'store';
            return (...args: unknown[]) => {
              const current = session();
              const call = () => Promise.resolve(original.apply(owner, args));
              if (!current) return call();
              return isStore ? storeWithRecovery(current, call, args[0]) : callWithRecovery(call, current);
            };
          });
        }
        const firstImage = (options.firstImageFirst ?? pageFirstImageFirst)();
        if (firstImage) putClickedSeriesFirst(instance, firstImage);
        return instance;
      },
    },
  ];
}
