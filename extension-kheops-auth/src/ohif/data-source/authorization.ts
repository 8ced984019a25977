import type { KheopsSession } from '../../session/kheops-session';
import type { UserAuthenticationService } from '../api';


/**
 * OHIF asks `getAuthorizationHeader()` before each QIDO, metadata, STOW and frame request, so one
 * function reading the session's current token is all it takes for every request to carry it.
 */
export function wireAuthorization(service: Pick<UserAuthenticationService, 'setServiceImplementation'>, session: KheopsSession): void {
  service.setServiceImplementation({
    getAuthorizationHeader: () => session.authorizationHeader(),
  });
}
