import type { KheopsSession } from '../session/kheops-session';

/** The slice of OHIF's userAuthenticationService this extension uses. */
export interface UserAuthenticationServiceLike {
  setServiceImplementation(implementation: {
    getAuthorizationHeader?: () => Record<string, string> | undefined;
    handleUnauthenticated?: () => unknown;
  }): void;
}

/**
 * OHIF asks `getAuthorizationHeader()` before each QIDO, metadata, STOW and frame request, so one
 * function reading the session's current token is all it takes for every request to carry it.
 */
export function wireAuthorization(service: UserAuthenticationServiceLike, session: KheopsSession): void {
  service.setServiceImplementation({
    getAuthorizationHeader: () => session.authorizationHeader(),
  });
}
