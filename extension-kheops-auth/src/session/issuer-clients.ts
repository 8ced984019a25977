import type { KheopsAuthRoutes, TrustedIssuer } from '../config/types';
import { IssuerClient, type BrowserEnvironment } from './issuer-client';

/** One IssuerClient per trusted issuer, made when first needed and kept for the page's life. */
export class IssuerClients {
  private readonly clients = new Map<string, IssuerClient>();

  constructor(
    private readonly routes: KheopsAuthRoutes,
    private readonly environment: BrowserEnvironment,
  ) {}

  of(issuer: TrustedIssuer): IssuerClient {
    let client = this.clients.get(issuer.issuer);
    if (!client) {
      client = new IssuerClient(issuer, this.routes, this.environment);
      this.clients.set(issuer.issuer, client);
    }
    return client;
  }
}
