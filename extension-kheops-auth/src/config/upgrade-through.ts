import type { TrustedIssuer } from './types';
import type { ConfigProblem } from './validate';

/**
 * `upgradeThrough` must name a realm the viewer already trusts (an entry's `issuer`), whose tokens go to
 * the same DICOMweb root (the upgraded session replaces the launch's token there), and it only means
 * something for an entry that takes released KHEOPS's launches.
 */
export function checkUpgradeThrough(entries: ReadonlyArray<{ index: number; issuer: TrustedIssuer }>, problems: ConfigProblem[]): void {
  for (const { index, issuer } of entries) {
    if (!issuer.upgradeThrough) continue;
    const key = `issuers[${index}].upgradeThrough`;
    if (!issuer.launches.includes('viewer-link') && !issuer.launches.includes('report-provider')) {
      problems.push({ key, message: 'only applies to an issuer whose launches include "viewer-link" or "report-provider"' });
      continue;
    }
    const realm = entries.find(entry => entry.issuer.issuer === issuer.upgradeThrough)?.issuer;
    if (!realm) {
      problems.push({ key, message: `"${issuer.upgradeThrough}" is not the issuer of any entry in issuers; list the realm there (with its clientId) first` });
    } else if (realm.dicomWebRoot !== issuer.dicomWebRoot) {
      problems.push({ key, message: `names a realm whose dicomWebRoot (${realm.dicomWebRoot}) is not this entry's (${issuer.dicomWebRoot})` });
    }
  }
}
