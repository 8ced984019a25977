// Released KHEOPS's report-provider code form (platform-facts §2.3), with its exact rules, so that a
// provider (the bridge) that deviates from them fails here as it would at KHEOPS:
// - the provider's configuration document is fetched at every launch and every token request, and must
//   say response_type "code", private_key_jwt, RS256, and a redirect_uri and jwks_uri on its own origin;
// - codes are stateless HS256 JWTs (600 s, 60 s leeway), NOT single-use;
// - the token request needs redirect_uri equal to the document's and a client assertion: RS256, a kid
//   found in the provider's JWKS, iss = sub = client_id, aud = <root>/api/token exactly, a jti, exp at
//   most 10 min ahead;
// - the answer is {access_token, token_type: "bearer", expires_in}: a 1 h token with "read write".
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';

export const CODE_TTL_SECONDS = 600;
const CODE_LEEWAY_SECONDS = 60;
const MAX_ASSERTION_LIFETIME_SECONDS = 600;
const CODE_TYPE = 'report_provider_code';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** An album's report provider of the code form: KHEOPS keeps only its configuration URL and client_id. */
export interface CodeProviderRegistration {
  clientId: string;
  name: string;
  configurationUrl: string;
}

export interface ProviderDocument {
  redirectUri: string;
  jwksUri: string;
}

export class CodeFormRefusal extends Error {
  constructor(
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

/** What a document fetcher returns; the stand-in uses fetch, the unit tests a function. */
export type FetchJson = (url: string) => Promise<unknown>;

export const fetchJson: FetchJson = async url => {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, redirect: 'error' });
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  return response.json();
};

function sameAuthority(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.protocol === y.protocol && x.host === y.host;
  } catch {
    return false;
  }
}

/** ReportProviderClientMetadata.java, for the code form. */
export function checkProviderDocument(document: unknown, configurationUrl: string): ProviderDocument {
  const d = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  const refuse = (what: string) => new CodeFormRefusal('invalid_client_metadata', `the report provider's configuration ${what}`);
  if (typeof d.redirect_uri !== 'string') throw refuse('has no redirect_uri');
  if (d.response_type !== 'code') throw refuse('does not say response_type "code"');
  if (d.token_endpoint_auth_method !== 'private_key_jwt') throw refuse('does not say token_endpoint_auth_method "private_key_jwt"');
  if (d.token_endpoint_auth_signing_alg !== 'RS256') throw refuse('does not say token_endpoint_auth_signing_alg "RS256"');
  if (typeof d.jwks_uri !== 'string') throw refuse('has no jwks_uri');
  if (!sameAuthority(d.redirect_uri, configurationUrl) || !sameAuthority(d.jwks_uri, configurationUrl)) throw refuse('names a redirect_uri or jwks_uri on another origin');
  return { redirectUri: d.redirect_uri, jwksUri: d.jwks_uri };
}

export interface CodeClaims {
  sub: string;
  studyUids: string[];
  clientId: string;
  jti: string;
}

export interface RedemptionRecord {
  /** sha256 of the code, so a test can count redemptions of one code without the code itself. */
  codeHash: string;
  clientId: string;
  outcome: 'ok' | string;
}

export class ReportCodes {
  private readonly secret = randomBytes(32);
  readonly redemptions: RedemptionRecord[] = [];
  /** The tokens the code form issued, for the tests to look for them where they must not be (test controls only). */
  readonly issuedTokens: string[] = [];

  constructor(
    /** <url>/api: `iss` and `aud` of the codes. */
    private readonly root: string,
    private readonly fetchDocument: FetchJson = fetchJson,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  get tokenEndpoint(): string {
    return `${this.root}/token`;
  }

  async providerDocument(registration: CodeProviderRegistration): Promise<ProviderDocument> {
    let document: unknown;
    try {
      document = await this.fetchDocument(registration.configurationUrl);
    } catch (error) {
      throw new CodeFormRefusal('invalid_client', `the report provider's configuration could not be read (${(error as Error).message})`);
    }
    return checkProviderDocument(document, registration.configurationUrl);
  }

  mintCode(args: { sub: string; studyUids: string[]; clientId: string }): Promise<string> {
    const now = this.nowSeconds();
    return new SignJWT({ type: CODE_TYPE, azp: args.clientId, study_uids: args.studyUids })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(this.root)
      .setAudience(this.root)
      .setSubject(args.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + CODE_TTL_SECONDS)
      .sign(this.secret);
  }

  /** The token request's checks, in KHEOPS's order; the caller mints the token from the claims returned. */
  async redeem(form: URLSearchParams, registrations: CodeProviderRegistration[]): Promise<CodeClaims> {
    const code = form.get('code') ?? '';
    const clientId = form.get('client_id') ?? '';
    const record = (outcome: string) => this.redemptions.push({ codeHash: createHash('sha256').update(code).digest('hex'), clientId, outcome });
    try {
      const registration = registrations.find(candidate => candidate.clientId === clientId);
      if (!registration) throw new CodeFormRefusal('invalid_client', 'client_id is not a registered report provider');
      const document = await this.providerDocument(registration);
      if (form.get('redirect_uri') !== document.redirectUri) throw new CodeFormRefusal('invalid_grant', 'redirect_uri is not the provider\'s');
      await this.checkAssertion(form, clientId, document);
      const claims = await this.checkCode(code, clientId);
      record('ok');
      return claims;
    } catch (error) {
      record(error instanceof CodeFormRefusal ? error.error : 'error');
      throw error;
    }
  }

  private async checkAssertion(form: URLSearchParams, clientId: string, document: ProviderDocument): Promise<void> {
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) throw new CodeFormRefusal('invalid_client', 'client_assertion_type must be jwt-bearer (private_key_jwt only)');
    const assertion = form.get('client_assertion') ?? '';
    let header;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw new CodeFormRefusal('invalid_client', 'client_assertion is not a JWT');
    }
    if (header.alg !== 'RS256') throw new CodeFormRefusal('invalid_client', 'client_assertion must be signed with RS256');
    if (typeof header.kid !== 'string') throw new CodeFormRefusal('invalid_client', 'client_assertion has no kid');
    let jwks: JSONWebKeySet;
    try {
      jwks = (await this.fetchDocument(document.jwksUri)) as JSONWebKeySet;
    } catch (error) {
      throw new CodeFormRefusal('invalid_client', `the provider's jwks_uri could not be read (${(error as Error).message})`);
    }
    if (!Array.isArray(jwks?.keys) || !jwks.keys.some(key => key.kid === header.kid)) throw new CodeFormRefusal('invalid_client', 'no key of the provider has the assertion\'s kid');
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet(jwks), {
        algorithms: ['RS256'],
        issuer: clientId,
        subject: clientId,
        audience: this.tokenEndpoint,
        requiredClaims: ['jti', 'exp'],
        currentDate: new Date(this.nowSeconds() * 1000),
      }));
    } catch (error) {
      throw new CodeFormRefusal('invalid_client', `client_assertion refused (${(error as Error).message})`);
    }
    // KHEOPS compares the audience as one string, not as a list that contains it.
    if (payload.aud !== this.tokenEndpoint) throw new CodeFormRefusal('invalid_client', 'client_assertion aud must be the token endpoint exactly');
    if ((payload.exp as number) > this.nowSeconds() + MAX_ASSERTION_LIFETIME_SECONDS) throw new CodeFormRefusal('invalid_client', 'client_assertion exp is more than 10 minutes ahead');
  }

  /** Stateless: valid until exp + 60 s, as many times as it is presented. */
  private async checkCode(code: string, clientId: string): Promise<CodeClaims> {
    let payload;
    try {
      ({ payload } = await jwtVerify(code, this.secret, { algorithms: ['HS256'], issuer: this.root, audience: this.root, clockTolerance: CODE_LEEWAY_SECONDS, currentDate: new Date(this.nowSeconds() * 1000) }));
    } catch {
      throw new CodeFormRefusal('invalid_grant', 'the code is not valid');
    }
    if (payload.type !== CODE_TYPE || payload.azp !== clientId || typeof payload.sub !== 'string' || !Array.isArray(payload.study_uids)) throw new CodeFormRefusal('invalid_grant', 'the code is not for this client');
    return { sub: payload.sub, studyUids: payload.study_uids.filter((uid): uid is string => typeof uid === 'string'), clientId, jti: String(payload.jti ?? 'none') };
  }
}
