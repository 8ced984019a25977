import type { UserAuthenticationService } from '../api';

/**
 * Why this exists (read from OHIF 3.13.2, extensions/default/src/DicomWebDataSource/index.ts and
 * retrieveBulkData.ts, and dicomweb-client's `_httpRequest`):
 *
 * OHIF's DICOMweb data source copies the Authorization value onto its dicomweb-client objects when a
 * call starts (`qidoDicomWebClient.headers = getAuthorizationHeader()`), and the client sends whatever
 * was copied last. For BulkDataURI values in instance metadata, the data source attaches
 * `retrieveBulkData.bind(qidoDicomWebClient, value)`; OHIF calls those later (SR content, overlays,
 * palettes, ECG waveforms), with the value copied by some earlier call: after a renewal, an old
 * token. Series metadata loaded lazily has the same gap on the WADO client. Neither client is
 * reachable from outside the data source, so the fix is in the value it copies: an object that turns
 * into the current header when the request is sent (XMLHttpRequest.setRequestHeader and fetch's
 * Headers convert header values with ToString at that moment).
 */

type HeaderSource = () => Record<string, string> | undefined;

/** An Authorization header value that reads the current token when a request is sent. */
export class LiveAuthorization {
  readonly #current: HeaderSource;

  constructor(current: HeaderSource) {
    this.#current = current;
  }

  /** The header as of now; empty once nobody is signed in, so a request goes out without a token. */
  toString(): string {
    return this.#current()?.Authorization ?? '';
  }

  [Symbol.toPrimitive](): string {
    return this.toString();
  }

  /** Never the token itself in a serialised (logged) form. */
  toJSON(): string {
    return '[current KHEOPS authorization]';
  }
}

type HeaderService = Pick<UserAuthenticationService, 'getAuthorizationHeader'>;

interface ServicesManagerWithAuthentication {
  services: { userAuthenticationService?: HeaderService } & Record<string, unknown>;
}

function isServicesManager(value: unknown): value is ServicesManagerWithAuthentication {
  const service = (value as ServicesManagerWithAuthentication | null)?.services?.userAuthenticationService;
  return typeof service?.getAuthorizationHeader === 'function';
}

/**
 * The services manager to hand OHIF's DICOMweb data source: the same, except that its
 * userAuthenticationService answers with a live Authorization value. Only that data source sees it:
 * OHIF's image loader and everything else keep the real service and its plain strings. Everything
 * else is delegated, so services registered later are still found.
 */
export function withLiveAuthorization<T>(servicesManager: T): T {
  if (!isServicesManager(servicesManager)) return servicesManager;
  const real = servicesManager.services.userAuthenticationService as HeaderService;
  const current: HeaderSource = () => real.getAuthorizationHeader();
  const live = new LiveAuthorization(current);
  const service = Object.create(real, {
    getAuthorizationHeader: { value: () => (current()?.Authorization ? { Authorization: live } : undefined) },
  }) as HeaderService;
  const services = Object.create(servicesManager.services, { userAuthenticationService: { value: service, enumerable: true } }) as object;
  return Object.create(servicesManager as object, { services: { value: services, enumerable: true } }) as T;
}
