import React from 'react';
import { readRefusalAddress, configuredIssuer } from '../launch/refusal-address';
import { describeRefusal, type RefusalView } from '../login/describe-refusal';
import { knownRefusalCode } from '../login/refusal-text';
import { runtime } from '../runtime';
import { StatusPage } from './StatusPage';

/** A refusal drawn by the in-viewer routes; the same words and attributes as the small login page's. */
export function RefusalScreen({ view }: { view: RefusalView }): React.ReactElement {
  return <StatusPage tone="refused" title={view.title} message={view.sentence} hint={view.fix} code={view.code} detail={view.detail} back={view.back} />;
}

/**
 * Why a launch was refused, from the address alone (`?code=…&issuer=…`), so a reload shows the same:
 * the code is looked up in the fixed list of reasons and the issuer in the configuration, which alone
 * gives the way back to KHEOPS. What the launch wrote is never shown. A function component without hooks.
 */
export function RefusedRoute(): React.ReactElement {
  const address = readRefusalAddress(window.location.search);
  const setup = runtime.setup;
  const code = knownRefusalCode(address.code) ?? runtime.refusal?.code ?? 'invalid_link';
  const issuer = setup.ready ? configuredIssuer(address.issuer, setup.config.issuers) : undefined;
  // The technical account: the refusal still in memory, or the configuration's own problem after a reload.
  const detail = runtime.refusal?.code === code ? runtime.refusal.message : !setup.ready && code === 'configuration_invalid' ? setup.problem.message : undefined;
  return <RefusalScreen view={describeRefusal(code, issuer, detail)} />;
}
