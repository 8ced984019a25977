// The stand-in as released KHEOPS (STANDIN_KHEOPS=released): KHEOPS's API and UI on one origin, its
// users signed in by a separate Keycloak-like realm on another (started by the caller). No OpenID
// provider of its own: its tokens are the ones released KHEOPS hands out (released-tokens.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { handleGateway, isGatewayPath, type GatewayContext } from '../gateway.js';
import { HttpError, readJsonObject, requestPath, sendJson, sendText } from '../http-utils.js';
import { OrthancClient } from '../orthanc-client.js';
import { RequestLog } from '../request-log.js';
import { createSettings } from '../settings.js';
import { handleThumbnail, isThumbnailPath } from '../study-page.js';
import { handleReleasedApi, isReleasedApiPath, releasedReportProviders } from './released-api.js';
import { ReleasedTokens, type ReleasedSettings } from './released-tokens.js';
import { ReportCodes, type CodeProviderRegistration } from './report-code.js';
import { handleReleasedUi, isReleasedUiPath, UI_CALLBACK_PATH, UI_CLIENT_ID } from './released-ui.js';

export { UI_CALLBACK_PATH, UI_CLIENT_ID };

export interface ReleasedKheopsOptions {
  port: number;
  orthancUrl: string;
  viewerOrigin: string;
  /** KHEOPS's Keycloak realm: its issuer (`online.kheops.oidc.provider`); its keys come from discovery. */
  realmIssuer: string;
  /** Report-provider token lifetime, seconds (default 3600, as KHEOPS). */
  reportTokenTtl?: number;
  testControls?: boolean;
  logFile?: string;
  /** Report providers of the code form registered in the album (e.g. the report-provider bridge). */
  codeProviders?: CodeProviderRegistration[];
}

export interface ReleasedKheops {
  url: string;
  /** <url>/api: DICOMweb root, and the issuer of KHEOPS's own (viewer, report-provider) tokens. */
  dicomWebRoot: string;
  realmIssuer: string;
  close(): Promise<void>;
}

export async function startReleasedKheops(options: ReleasedKheopsOptions): Promise<ReleasedKheops> {
  const discovery = (await (await fetch(`${options.realmIssuer}/.well-known/openid-configuration`)).json()) as { issuer?: string; jwks_uri?: string };
  if (discovery.issuer !== options.realmIssuer || typeof discovery.jwks_uri !== 'string') {
    throw new Error(`the realm at ${options.realmIssuer} has no usable discovery document`);
  }
  let route: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => sendText(res, 503, 'starting');
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (!(error instanceof HttpError)) console.error(`kheops-standin (released): ${req.method} ${requestPath(req)} failed:`, error);
      if (res.headersSent) res.destroy();
      else sendJson(res, status, { error: error instanceof HttpError ? error.message : 'internal error' });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  const url = `http://127.0.0.1:${port}`;
  const root = `${url}/api`;
  const settings: ReleasedSettings = { reportTokenTtl: options.reportTokenTtl ?? 3600, readOnlyUsers: new Set() };
  const tokens = new ReleasedTokens({ issuer: options.realmIssuer, jwksUri: discovery.jwks_uri }, root, settings);
  const log = new RequestLog(options.logFile);
  const orthanc = new OrthancClient(new URL(options.orthancUrl));
  const gateway: GatewayContext = {
    orthancUrl: new URL(options.orthancUrl),
    viewerOrigin: options.viewerOrigin,
    settings: createSettings(),
    log,
    checkToken: (token, scope) => tokens.check(token, scope),
  };
  const codeProviders = options.codeProviders ?? [];
  const codes = new ReportCodes(root);
  const reportProviders = releasedReportProviders(options.viewerOrigin);
  const api = { url, root, tokens, reportProviders, codeProviders, codes };
  const ui = { url, root, realmIssuer: options.realmIssuer, viewerOrigin: options.viewerOrigin, orthanc, providers: [...reportProviders, ...codeProviders] };

  route = async (req, res) => {
    const path = requestPath(req);
    const method = req.method ?? 'GET';
    if (path === '/health') return sendText(res, 200, 'ok');
    if (path.startsWith('/__test/')) {
      if (!options.testControls) throw new HttpError(404, 'not found');
      return testControl(req, res, `${method} ${path}`);
    }
    if (isReleasedApiPath(method, path)) return handleReleasedApi(api, req, res, path);
    if (isGatewayPath(req.url ?? '/')) return handleGateway(gateway, req, res);
    if (method === 'GET' && isThumbnailPath(path)) return handleThumbnail({ orthanc, issuer: options.realmIssuer, viewerOrigin: options.viewerOrigin }, res, path);
    if (method === 'GET' && isReleasedUiPath(path)) return handleReleasedUi(ui, res, path);
    throw new HttpError(404, 'not found');
  };

  async function testControl(req: IncomingMessage, res: ServerResponse, control: string): Promise<void> {
    switch (control) {
      case 'GET /__test/log':
        return sendJson(res, 200, log.list());
      // sha256 of each code presented at the token endpoint, and what became of it (never the code).
      case 'GET /__test/code-redemptions':
        return sendJson(res, 200, codes.redemptions);
      case 'GET /__test/code-tokens':
        return sendJson(res, 200, codes.issuedTokens);
      case 'POST /__test/log/clear':
        log.clear();
        return sendJson(res, 200, { ok: true });
      // As a restart of KHEOPS's authorization server: every viewer token dies, nothing else.
      case 'POST /__test/restart':
        return sendJson(res, 200, { viewerTokensKilled: tokens.restart() });
      case 'POST /__test/ttl': {
        const body = await readJsonObject(req);
        const ttl = body.reportTokenTtl;
        if (!Number.isSafeInteger(ttl) || (ttl as number) <= 0) throw new HttpError(400, 'reportTokenTtl must be a positive whole number of seconds');
        settings.reportTokenTtl = ttl as number;
        return sendJson(res, 200, { reportTokenTtl: settings.reportTokenTtl });
      }
      default:
        throw new HttpError(404, `no test control ${control}`);
    }
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    dicomWebRoot: root,
    realmIssuer: options.realmIssuer,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }).then(() => log.close())),
  };
}
