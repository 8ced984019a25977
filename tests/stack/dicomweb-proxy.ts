import { request, type IncomingMessage, type ServerResponse } from 'node:http';

/** KHEOPS's DICOMweb paths (QIDO, WADO-RS, STOW, WADO-URI); nothing else of the provider is proxied. */
const DICOMWEB_PATH = /^\/api\/(studies|series|instances|wado)(?:[/?]|$)/;

export function isDicomWebPath(pathAndQuery: string): boolean {
  return DICOMWEB_PATH.test(pathAndQuery);
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'proxy-authorization'];

/**
 * Streams a DICOMweb request to the gateway at `target` (an origin) and the answer back, keeping the
 * Host header so Orthanc's BulkDataURIs point at the viewer's origin. Served this way, DICOMweb is on
 * the viewer's own origin: a request with an Authorization header needs no CORS preflight, which a
 * cross-origin DICOMweb root costs for every distinct URL (each frame). See docs/performance.md.
 */
export function proxyDicomWeb(target: URL, req: IncomingMessage, res: ServerResponse): void {
  const headers = { ...req.headers };
  for (const name of HOP_BY_HOP) delete headers[name];
  const upstream = request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers }, upstreamRes => {
    const answer = { ...upstreamRes.headers };
    for (const name of HOP_BY_HOP) delete answer[name];
    res.writeHead(upstreamRes.statusCode ?? 502, answer);
    upstreamRes.pipe(res);
  });
  upstream.on('error', error => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`the DICOMweb gateway did not answer: ${error.message}`);
    else res.destroy(error);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
