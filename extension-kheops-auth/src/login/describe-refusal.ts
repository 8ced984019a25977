import type { TrustedIssuer } from '../config/types';
import type { KheopsAuthErrorCode } from '../errors';
import { REFUSAL_EXPLANATIONS } from './refusal-text';
import { STATUS_TEXT } from './status-text';

/** A refusal screen as both login entry points and the refusal route draw it. */
export interface RefusalView {
  title: string;
  /** For the clinician: one plain sentence. */
  sentence: string;
  code: KheopsAuthErrorCode;
  /** For IT: what to look at. */
  fix: string;
  /** The technical account of this very launch, while the page still has it (gone after a reload). */
  detail?: string | undefined;
  /** "Back to KHEOPS", only to an address from the viewer's configuration. */
  back?: { href: string; label: string } | undefined;
}

export const BACK_TO_KHEOPS = 'Back to KHEOPS';

export function describeRefusal(code: KheopsAuthErrorCode, issuer: Pick<TrustedIssuer, 'kheopsUrl'> | undefined, detail?: string): RefusalView {
  const { sentence, fix } = REFUSAL_EXPLANATIONS[code];
  return {
    title: STATUS_TEXT.launchRefused.title,
    sentence,
    code,
    fix,
    ...(detail && detail !== sentence ? { detail } : {}),
    ...(issuer?.kheopsUrl ? { back: { href: issuer.kheopsUrl, label: BACK_TO_KHEOPS } } : {}),
  };
}
