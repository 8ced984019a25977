/**
 * The origin the viewer is served from, which the provider and the DICOMweb server must allow in CORS.
 * The prebuilt app loads the runtime modules by URL, usually from the viewer's own host, so their
 * origin is the best guess when the deployer does not name it (`--viewer-origin`).
 */
export function viewerOriginFromConfig(appConfig: Record<string, unknown>): string | undefined {
  const entries = [appConfig.extensions, appConfig.modes].flatMap(list => (Array.isArray(list) ? list : []));
  for (const entry of entries) {
    if (typeof entry !== 'string') continue;
    try {
      const url = new URL(entry);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.origin;
    } catch {
      // An OHIF package name or a relative URL: says nothing about the origin.
    }
  }
  return undefined;
}

/** Accepts `https://viewer.example.org` (a trailing slash is tolerated), nothing with a path. */
export function parseOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value.replace(/\/$/, '')) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}
