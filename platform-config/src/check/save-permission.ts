// Who may save (issuer key `savePermission`): 'server-decides' (the default: the save is tried and
// KHEOPS answers) or { scope } (saving is offered only when the granted scopes include it). The key
// is read from the raw entry as well as the validated one, so this check works whether or not the
// extension's validator knows it yet.
import type { TrustedIssuer } from '../../../extension-kheops-auth/src/config/types';
import { fail, pass, skipped, type CheckResult } from './result';

const NAME = 'save permission';

export type SavePermission = { kind: 'server-decides' } | { kind: 'scope'; scope: string } | { kind: 'invalid'; raw: string };

export function savePermissionOf(issuer: TrustedIssuer, rawEntry: unknown): SavePermission {
  const validated = (issuer as { savePermission?: unknown }).savePermission;
  const raw = validated ?? (rawEntry as { savePermission?: unknown } | null)?.savePermission;
  if (raw === undefined || raw === 'server-decides') return { kind: 'server-decides' };
  const scope = (raw as { scope?: unknown } | null)?.scope;
  if (typeof raw === 'object' && raw !== null && typeof scope === 'string' && scope !== '') return { kind: 'scope', scope };
  return { kind: 'invalid', raw: JSON.stringify(raw) };
}

function key(index: number): string {
  return `kheopsAuth.issuers[${index}].savePermission`;
}

/** What the file alone says: the scope must at least be asked for. */
export function checkSavePermissionStatic(issuer: TrustedIssuer, index: number, permission: SavePermission): CheckResult {
  if (permission.kind === 'invalid') return fail(NAME, `${key(index)} is ${permission.raw}; it must be "server-decides" or { "scope": "<the scope that means write access>" }`);
  if (permission.kind === 'server-decides') return pass(NAME, `${issuer.issuer}: the DICOMweb server decides at each save (a refused save keeps the report, downloadable)`);
  const asked = issuer.scope.split(' ');
  if (!asked.includes(permission.scope)) {
    return fail(
      NAME,
      `${key(index)} needs scope "${permission.scope}", but kheopsAuth.issuers[${index}].scope ("${issuer.scope}") does not ask for it, so it is never granted and saving is never offered; add it to scope or use "server-decides"`,
    );
  }
  return pass(NAME, `${issuer.issuer}: saving is offered when the provider grants "${permission.scope}" (asked for in scope)`);
}

/** What the provider says it can grant (discovery `scopes_supported`). */
export function checkSavePermissionAtProvider(issuer: TrustedIssuer, index: number, permission: SavePermission, scopesSupported: unknown): CheckResult | undefined {
  if (permission.kind !== 'scope') return undefined;
  if (!Array.isArray(scopesSupported)) {
    return skipped(NAME, `${issuer.issuer} lists no scopes_supported, so whether it can grant "${permission.scope}" is unknown until someone signs in`);
  }
  if (!scopesSupported.includes(permission.scope)) {
    return fail(
      NAME,
      `${key(index)} needs scope "${permission.scope}", which ${issuer.issuer} does not offer (scopes_supported: ${scopesSupported.join(' ')}): its tokens never carry it, so saving is never offered. Use "server-decides" (KHEOPS then decides per album, as it does for Keycloak tokens), or define the scope at the provider`,
    );
  }
  return pass(
    NAME,
    `${issuer.issuer} offers "${permission.scope}"; a person may still grant fewer scopes on a consent page (Glewlwyd starts with them unticked), and saving is then refused up front with the reason`,
  );
}
