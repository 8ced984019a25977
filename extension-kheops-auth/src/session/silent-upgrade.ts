import type { User } from 'oidc-client-ts';
import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import {
  STAYS_STATIC,
  checkUpgradedIdentity,
  failedExchangeReason,
  readSilentAnswer,
  studyAccessUrl,
  studyAccessVerdict,
  type KeptLaunch,
  type Verdict,
} from '../launch/launch-upgrade';
import type { CallbackExchange } from './callback-exchange';
import type { BrowserEnvironment } from './issuer-client';
import type { IssuerClients } from './issuer-clients';
import { KEPT_LAUNCH_KEY, UPGRADE_OUTCOME_KEY } from './storage-keys';

/** What became of this tab's last launch upgrade, for the badge and a notice (kept in sessionStorage). */
export type UpgradeOutcome = (
  | { upgraded: true; issuer: string; subject: string; scopes: string[] }
  | { upgraded: false; reason: string }
) & { /** Told to the clinician already (once per launch). */ announced?: boolean };

export interface SilentUpgradeDeps {
  config: KheopsAuthConfig;
  environment: BrowserEnvironment;
  clients: IssuerClients;
  callback: CallbackExchange;
  now(): number;
  /** Asks the trusted DICOMweb root, with the new token, whether it reads the study (a QIDO). */
  fetch(url: string, init: { headers: Record<string, string> }): Promise<{ status: number; json(): Promise<unknown> }>;
  /** Makes the upgraded tokens the tab's session (renewed, shared across tabs, revocable). */
  keep(issuer: TrustedIssuer, user: User, receivedAt: number, scopes: string[]): Promise<void>;
}

export function readUpgradeOutcome(storage: Storage): UpgradeOutcome | undefined {
  try {
    const raw = storage.getItem(UPGRADE_OUTCOME_KEY);
    return raw ? (JSON.parse(raw) as UpgradeOutcome) : undefined;
  } catch {
    return undefined;
  }
}

export function clearUpgradeOutcome(storage: Storage): void {
  storage.removeItem(UPGRADE_OUTCOME_KEY);
}

export function saveUpgradeOutcome(storage: Storage, outcome: UpgradeOutcome): void {
  storage.setItem(UPGRADE_OUTCOME_KEY, JSON.stringify(outcome));
}

/**
 * The one silent sign-in (`prompt=none`) that may turn a released-KHEOPS launch into a renewable
 * session (launch/launch-upgrade.ts has the rules). `begin` keeps the launch and leaves for the realm;
 * `complete` runs at the callback. Whatever goes wrong, the static session the launch gave stays the
 * tab's (the caller restored it from sessionStorage before the callback route ran), and the outcome
 * says why in one sentence.
 */
export class SilentUpgrade {
  constructor(private readonly deps: SilentUpgradeDeps) {}

  /**
   * Records the attempt first (one per launch: a reload or the answer never starts another), then goes.
   * Resolves false, with the static session kept and the reason saved, when the realm cannot even be
   * asked (its discovery unreachable): the tab must not be sent to a page that will not answer.
   */
  async begin(kept: KeptLaunch, through: TrustedIssuer, navigate: (url: string) => void): Promise<boolean> {
    const { storage } = this.deps.environment;
    clearUpgradeOutcome(storage);
    storage.setItem(KEPT_LAUNCH_KEY, JSON.stringify(kept));
    let url: string;
    try {
      ({ url } = await this.deps.clients.of(through).signInRequest({ target: kept.target, returnTo: 'tab', prompt: 'none', upgrade: kept.id }));
    } catch (error) {
      storage.removeItem(KEPT_LAUNCH_KEY);
      console.warn('[kheops-auth] the realm could not be asked for a silent sign-in', error instanceof Error ? error.message : error);
      saveUpgradeOutcome(storage, { upgraded: false, reason: `${through.displayName}'s sign-in could not be reached, ${STAYS_STATIC}` });
      return false;
    }
    navigate(url);
    return true;
  }

  /** Whether a callback answers this tab's silent upgrade (its stored state names the kept launch). */
  async isUpgradeAnswer(callbackUrl: string): Promise<string | undefined> {
    const data = (await this.deps.callback.storedData(callbackUrl)) as { upgrade?: unknown } | undefined;
    return typeof data?.upgrade === 'string' ? data.upgrade : undefined;
  }

  /** Completes the upgrade, or keeps the static session; returns where to go (the launch's target). */
  async complete(callbackUrl: string, upgradeId: string): Promise<{ target: string; outcome: UpgradeOutcome }> {
    const { storage } = this.deps.environment;
    const kept = this.takeKeptLaunch(upgradeId);
    const realm = kept && this.deps.config.issuers.find(candidate => candidate.issuer === kept.through);
    const stay = (reason: string) => {
      const outcome: UpgradeOutcome = { upgraded: false, reason };
      saveUpgradeOutcome(storage, outcome);
      console.info(`[kheops-auth] the launch keeps its KHEOPS link session: ${reason}`);
      return { target: kept?.target ?? this.deps.config.defaultTarget, outcome };
    };
    if (!kept || !realm) {
      await this.deps.callback.discard(callbackUrl);
      return stay('The viewer lost track of the launch it was upgrading, so this session lasts only as long as the KHEOPS link that opened it.');
    }
    const answer = readSilentAnswer(new URL(callbackUrl).searchParams, realm.displayName);
    if (answer.kind === 'declined') {
      await this.deps.callback.discard(callbackUrl);
      return stay(answer.reason);
    }
    const receivedAt = this.deps.now();
    let user: User;
    try {
      ({ user } = await this.deps.callback.exchange(callbackUrl));
    } catch (error) {
      console.warn('[kheops-auth] the silent sign-in could not be completed', error instanceof Error ? error.message : error);
      return stay(failedExchangeReason(realm.displayName));
    }
    const name = user.profile.name ?? user.profile.preferred_username ?? 'the person signed in';
    const verdict = await this.allowed(kept, realm, user, name);
    if (!verdict.ok) {
      // Tokens for someone, or for something, this tab will not use: end them at the realm.
      this.deps.clients.of(realm).revoke(user).catch(() => undefined);
      return stay(verdict.reason);
    }
    await this.deps.keep(realm, user, receivedAt, kept.scopes);
    const outcome: UpgradeOutcome = { upgraded: true, issuer: realm.issuer, subject: user.profile.sub, scopes: kept.scopes };
    saveUpgradeOutcome(storage, outcome);
    console.info(`[kheops-auth] the ${kept.kind} launch is now a renewable session through ${realm.displayName}`);
    return { target: kept.target, outcome };
  }

  /** The same person (when the launch names one), and a token that reads the launched study. */
  private async allowed(kept: KeptLaunch, realm: TrustedIssuer, user: User, name: string): Promise<Verdict> {
    const identity = checkUpgradedIdentity(kept.evidence, user.profile.sub, name);
    if (!identity.ok) return identity;
    try {
      const response = await this.deps.fetch(studyAccessUrl(realm.dicomWebRoot, kept.studyUid), {
        headers: { Authorization: `Bearer ${user.access_token}`, Accept: 'application/dicom+json' },
      });
      const body = response.status === 200 ? await response.json().catch(() => undefined) : undefined;
      return studyAccessVerdict(response.status, body, kept.studyUid, name);
    } catch {
      return studyAccessVerdict(0, undefined, kept.studyUid, name);
    }
  }

  /** The kept launch the answer names, removed as it is read: an answer is used once. */
  private takeKeptLaunch(id: string): KeptLaunch | undefined {
    const { storage } = this.deps.environment;
    const raw = storage.getItem(KEPT_LAUNCH_KEY);
    storage.removeItem(KEPT_LAUNCH_KEY);
    try {
      const kept = raw ? (JSON.parse(raw) as KeptLaunch) : undefined;
      return kept?.id === id ? kept : undefined;
    } catch {
      return undefined;
    }
  }
}
