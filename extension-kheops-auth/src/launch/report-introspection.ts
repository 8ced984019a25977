import { isUnderRoot } from '../config/data-sources';
import type { TrustedIssuer } from '../config/types';

/**
 * KHEOPS lets anyone introspect a report-provider token (platform-facts §2.3): the token's real end
 * (`exp`) and its person (`sub`, a KHEOPS user id). The endpoint comes from the report-provider
 * configuration document and is used only when it is under the trusted DICOMweb root, since the token
 * goes there. Pure: the capture module does the request.
 */
export function introspectionEndpoint(document: unknown, issuer: TrustedIssuer): string | undefined {
  const endpoint = (document as { introspection_endpoint?: unknown } | null)?.introspection_endpoint;
  return typeof endpoint === 'string' && isUnderRoot(endpoint, issuer.dicomWebRoot) && new URL(endpoint).protocol === new URL(issuer.dicomWebRoot).protocol ? endpoint : undefined;
}

export interface IntrospectedToken {
  /** Epoch seconds, when introspection says so and it is in the future. */
  expiresAt?: number;
  subject?: string;
}

/** RFC 7662's answer, read defensively: only an active token's `exp` and `sub`, and only sensible values. */
export function readIntrospection(body: unknown, nowSeconds: number): IntrospectedToken | undefined {
  if (typeof body !== 'object' || body === null || (body as { active?: unknown }).active !== true) return undefined;
  const { exp, sub } = body as { exp?: unknown; sub?: unknown };
  const found: IntrospectedToken = {};
  if (typeof exp === 'number' && Number.isFinite(exp) && exp > nowSeconds && exp < nowSeconds + 24 * 3600) found.expiresAt = Math.floor(exp);
  if (typeof sub === 'string' && sub.length > 0 && sub.length <= 255) found.subject = sub;
  return found;
}
