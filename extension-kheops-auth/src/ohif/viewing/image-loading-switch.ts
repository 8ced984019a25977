import type { CornerstoneLibraries, RequestPoolManager } from '../api';

/** cornerstone's request types (its Enums.RequestType), should the app not name them. */
const REQUEST_TYPES = ['interaction', 'thumbnail', 'prefetch', 'compute'];

/** Holds and releases cornerstone's frame requests. */
export interface ImageLoadingSwitch {
  /** No frame request starts any more; queued ones wait. Idempotent. */
  hold(): void;
  /** Requests start again, as many at once as before `hold`. */
  release(): void;
}

/**
 * Frame requests wait in cornerstone's request pools for a free slot; with no slots, none is sent.
 * That is how a page whose session ended stops asking for frames that would come back 401 (and be
 * drawn as holes): OHIF's own image loader reads the header at request time, and a header function
 * cannot refuse a request, only leave it without a token.
 */
export function imageLoadingSwitch(libraries: CornerstoneLibraries | undefined): ImageLoadingSwitch {
  const pools = [libraries?.cornerstone.imageLoadPoolManager, libraries?.cornerstone.imageRetrievalPoolManager].filter((pool): pool is RequestPoolManager => pool !== undefined);
  const types = Object.values(libraries?.cornerstone.Enums?.RequestType ?? {}).filter(type => typeof type === 'string');
  const requestTypes = types.length > 0 ? types : REQUEST_TYPES;
  let held: Array<{ pool: RequestPoolManager; type: string; max: number }> | undefined;
  return {
    hold() {
      if (held) return;
      held = pools.flatMap(pool => requestTypes.map(type => ({ pool, type, max: pool.getMaxSimultaneousRequests(type) })));
      held.forEach(({ pool, type }) => pool.setMaxSimultaneousRequests(type, 0));
    },
    release() {
      held?.forEach(({ pool, type, max }) => pool.setMaxSimultaneousRequests(type, max));
      held = undefined;
    },
  };
}
