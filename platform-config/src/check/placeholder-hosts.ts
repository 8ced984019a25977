// Hosts that cannot be the deployment's own: names reserved for documentation (RFC 2606, RFC 6761),
// left over from an example file, and loopback hosts in a file whose other URLs are public (a
// development value in a production file). Checked offline too: no network answer is needed.
import { fail, pass, type CheckResult } from './result';

const NAME = 'placeholder hosts';
const RESERVED_DOMAINS = ['example.org', 'example.com', 'example.net'];
const RESERVED_TLDS = ['example', 'test', 'invalid'];

/** Every URL-valued setting the viewer uses, by key. */
export function urlSettings(appConfig: Record<string, unknown>): Array<{ key: string; url: string }> {
  const found: Array<{ key: string; url: string }> = [];
  const add = (key: string, value: unknown) => {
    if (typeof value === 'string' && /^https?:\/\//i.test(value)) found.push({ key, url: value });
  };
  for (const list of ['extensions', 'modes'] as const) {
    const entries = appConfig[list];
    if (Array.isArray(entries)) entries.forEach((entry, index) => add(`${list}[${index}]`, entry));
  }
  const auth = appConfig.kheopsAuth as { issuers?: unknown } | undefined;
  if (auth && Array.isArray(auth.issuers)) {
    auth.issuers.forEach((entry: Record<string, unknown> | null, index) => {
      for (const key of ['issuer', 'dicomWebRoot', 'postLogoutRedirectUri', 'upgradeThrough']) add(`kheopsAuth.issuers[${index}].${key}`, entry?.[key]);
    });
  }
  if (Array.isArray(appConfig.dataSources)) {
    appConfig.dataSources.forEach((entry: { configuration?: Record<string, unknown> } | null, index) => {
      for (const key of ['qidoRoot', 'wadoRoot', 'wadoUriRoot']) add(`dataSources[${index}].configuration.${key}`, entry?.configuration?.[key]);
    });
  }
  return found;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

export function isReservedHost(host: string): boolean {
  const labels = host.split('.');
  return RESERVED_DOMAINS.some(domain => host === domain || host.endsWith(`.${domain}`)) || RESERVED_TLDS.includes(labels[labels.length - 1] ?? '');
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}

export function checkPlaceholderHosts(appConfig: Record<string, unknown>): CheckResult[] {
  const settings = urlSettings(appConfig).map(setting => ({ ...setting, host: hostOf(setting.url) ?? '' }));
  const reserved = settings.filter(setting => isReservedHost(setting.host));
  const results: CheckResult[] = [];
  if (reserved.length > 0) {
    const hosts = [...new Set(reserved.map(setting => setting.host))];
    results.push(
      fail(
        NAME,
        `${reserved.map(setting => setting.key).join(', ')} use${reserved.length === 1 ? 's' : ''} ${hosts.join(', ')}, reserved for examples (RFC 2606); put the deployment's own hosts there`,
      ),
    );
  }
  const loopback = settings.filter(setting => isLoopbackHost(setting.host));
  const publicHosts = settings.filter(setting => !isLoopbackHost(setting.host) && !isReservedHost(setting.host));
  if (loopback.length > 0 && publicHosts.length > 0) {
    results.push(
      fail(
        NAME,
        `${loopback.map(setting => setting.key).join(', ')} point${loopback.length === 1 ? 's' : ''} at this machine (${[...new Set(loopback.map(setting => setting.host))].join(', ')}) while ${publicHosts[0]?.key} is on ${publicHosts[0]?.host}: in the clinician's browser loopback is their own computer; use the server's public host name`,
      ),
    );
  }
  if (results.length === 0) results.push(pass(NAME, settings.length === 0 ? 'no absolute URLs to check' : 'no example or stray loopback hosts'));
  return results;
}
