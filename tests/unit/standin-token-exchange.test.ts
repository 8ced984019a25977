// The stand-in's token endpoint as KHEOPS's: the KHEOPS UI exchanges the signed-in user's access token
// at POST /api/token (RFC 8693) for a study-scoped viewer token, and the study page's viewer links get
// their token that way.
import {
  ACCESS_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
  VIEWER_ORIGIN,
  startEmptyOrthanc,
  startStandinProcess,
  stopProcess,
  type EmptyOrthanc,
  type StandinProcess,
} from './support/standin-process';
import { decodeJwt } from 'jose';

import { checkScopesAllowed, parseViewerTokenRequest } from '../kheops-standin/src/token-exchange-request';

jest.setTimeout(60000);

const STUDY = '1.2.826.0.1.3680043.8.498.7';
const OTHER_STUDY = '1.2.826.0.1.3680043.8.498.8';

let orthanc: EmptyOrthanc;
let standin: StandinProcess;
let base = '';
/** Every token handed out here: none of them may ever show up in the stand-in's output. */
const issued: string[] = [];

beforeAll(async () => {
  orthanc = await startEmptyOrthanc();
  const orthancUrl = orthanc.url;
  standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: orthancUrl, STANDIN_TEST_CONTROLS: '1' });
  base = standin.url;
});

afterAll(async () => {
  await stopProcess(standin?.child);
  await orthanc.close();
});

async function control(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}/__test/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** The access token the KHEOPS UI holds for a signed-in user. */
async function userToken(user: string): Promise<string> {
  const { access_token: token } = await control('user-token', { user });
  if (typeof token !== 'string') throw new Error('no user token');
  issued.push(token);
  return token;
}

interface ExchangeAnswer {
  status: number;
  headers: Headers;
  body: { access_token?: string; issued_token_type?: string; token_type?: string; expires_in?: number; scope?: string; error?: string; error_description?: string };
}

async function exchange(params: Record<string, string | undefined>, { clientId = 'kheops-ui', origin }: { clientId?: string; origin?: string } = {}): Promise<ExchangeAnswer> {
  const form = new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT, client_id: clientId });
  for (const [key, value] of Object.entries(params)) if (value !== undefined) form.set(key, value);
  const response = await fetch(`${base}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: form,
  });
  const body = (await response.json()) as ExchangeAnswer['body'];
  if (body.access_token) issued.push(body.access_token);
  return { status: response.status, headers: response.headers, body };
}

function viewerTokenRequest(subjectToken: string, overrides: Record<string, string | undefined> = {}) {
  return { subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, scope: 'viewer read write', studyUID: STUDY, ...overrides };
}

async function gatewayStatus(token: string, study: string): Promise<number> {
  return (await fetch(`${base}/api/studies/${study}/series`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

function expectRefusal(answer: ExchangeAnswer, error: string) {
  expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 400, error });
  expect(answer.body.access_token).toBeUndefined();
}

describe('token exchange at POST /api/token', () => {
  it('gives a 5 h viewer token for the study, which opens that study and no other', async () => {
    const subject = await userToken('alice');
    const answer = await exchange(viewerTokenRequest(subject));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({ access_token: expect.any(String), issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: 5 * 3600 });
    const token = answer.body.access_token ?? '';
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: `${base}/api`, aud: `${base}/api`, sub: 'alice', scope: 'read write', study_uid: STUDY, client_id: 'kheops-ui' });
    expect(decodeJwt(subject)).toMatchObject({ sub: 'alice', scope: 'read write', client_id: 'kheops-ui' });
    expect(decodeJwt(subject).study_uid).toBeUndefined();
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(5 * 3600);

    expect(await gatewayStatus(token, STUDY)).toBe(200);
    expect(await gatewayStatus(token, OTHER_STUDY)).toBe(403);
    // The user's own token is not study-scoped: it opens both.
    expect(await gatewayStatus(subject, OTHER_STUDY)).toBe(200);
  });

  it('gives a read-only viewer token for "viewer read", in any word order', async () => {
    const answer = await exchange(viewerTokenRequest(await userToken('alice'), { scope: 'read viewer' }));
    expect(answer.status).toBe(200);
    expect(decodeJwt(answer.body.access_token ?? '')).toMatchObject({ scope: 'read', study_uid: STUDY });
  });

  it.each([
    ['no studyUID', { studyUID: undefined }],
    ['a studyUID that is not a DICOM UID', { studyUID: '1.2.x' }],
    ['a studyUID that is a path', { studyUID: `${STUDY}/../${OTHER_STUDY}` }],
    ['a studyUID longer than 64 characters', { studyUID: `1.${'2'.repeat(64)}` }],
    ['no subject_token_type', { subject_token_type: undefined }],
    ['an ID token as subject_token_type', { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }],
    ['no subject_token', { subject_token: undefined }],
    ['a refresh token as requested_token_type', { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }],
    ['an actor_token (delegation)', { actor_token: 'x' }],
    ['no scope', { scope: undefined }],
  ])('refuses %s with invalid_request', async (_what, overrides) => {
    expectRefusal(await exchange(viewerTokenRequest(await userToken('alice'), overrides)), 'invalid_request');
  });

  it('refuses a repeated studyUID with invalid_request', async () => {
    const form = new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT, client_id: 'kheops-ui', ...viewerTokenRequest(await userToken('alice')) });
    form.append('studyUID', OTHER_STUDY);
    const response = await fetch(`${base}/api/token`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it.each([['read write'], ['viewer'], ['viewer write'], ['viewer read write admin'], ['viewer read read'], ['openid viewer read']])(
    'refuses scope "%s" with invalid_scope',
    async (scope) => {
      expectRefusal(await exchange(viewerTokenRequest(await userToken('alice'), { scope })), 'invalid_scope');
    },
  );

  it('refuses a subject token that is not a valid access token of this KHEOPS with invalid_grant', async () => {
    const subject = await userToken('alice');
    const [header, payload, signature = ''] = subject.split('.');
    const otherSignature = `${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    for (const bad of ['not-a-token', `${header}.${payload}.${otherSignature}`]) {
      const answer = await exchange(viewerTokenRequest(bad));
      expectRefusal(answer, 'invalid_grant');
      expect(answer.body.error_description).toMatch(/^subject_token: /);
    }
  });

  it('refuses an expired subject token with invalid_grant', async () => {
    const { accessTokenTtl } = await control('ttl', {});
    await control('ttl', { accessTokenTtl: 1 });
    let subject: string;
    try {
      subject = await userToken('alice');
    } finally {
      await control('ttl', { accessTokenTtl });
    }
    await new Promise(resolve => setTimeout(resolve, 2100));
    const answer = await exchange(viewerTokenRequest(subject));
    expectRefusal(answer, 'invalid_grant');
    expect(answer.body.error_description).toBe('subject_token: the access token expired');
  });

  it('refuses a revoked subject token with invalid_grant', async () => {
    const subject = await userToken('bob');
    await control('revoke', { user: 'bob' });
    const answer = await exchange(viewerTokenRequest(subject));
    expectRefusal(answer, 'invalid_grant');
    expect(answer.body.error_description).toBe('subject_token: the access token was revoked');
  });

  it('refuses to exchange a study-scoped token again (viewer or report-provider token)', async () => {
    const viewerToken = (await exchange(viewerTokenRequest(await userToken('alice')))).body.access_token ?? '';
    expect(viewerToken).not.toBe('');
    const again = await exchange(viewerTokenRequest(viewerToken));
    expectRefusal(again, 'invalid_grant');
    expect(again.body.error_description).toBe('subject_token: a study-scoped token cannot be exchanged');
    // Not for another study either.
    expectRefusal(await exchange(viewerTokenRequest(viewerToken, { studyUID: OTHER_STUDY })), 'invalid_grant');

    const report = await fetch(`${base}/api/report`, { method: 'POST', body: new URLSearchParams({ studyUID: STUDY, client_id: 'ohif-report-provider', user: 'alice' }), redirect: 'manual' });
    const reportToken = new URLSearchParams((report.headers.get('location') ?? '').split('#')[1]).get('access_token') ?? '';
    issued.push(reportToken);
    expectRefusal(await exchange(viewerTokenRequest(reportToken)), 'invalid_grant');
  });

  describe('a read-only user', () => {
    afterEach(async () => {
      await control('read-only', { user: 'bob', readOnly: false });
    });

    it('cannot get write, and gets read', async () => {
      const before = await userToken('bob'); // issued while bob could still write
      await control('read-only', { user: 'bob', readOnly: true });
      const after = await userToken('bob');
      expect(decodeJwt(after).scope).toBe('read');

      for (const subject of [before, after]) {
        const refused = await exchange(viewerTokenRequest(subject));
        expectRefusal(refused, 'invalid_scope');
        const granted = await exchange(viewerTokenRequest(subject, { scope: 'viewer read' }));
        expect(granted.status).toBe(200);
        expect(decodeJwt(granted.body.access_token ?? '')).toMatchObject({ sub: 'bob', scope: 'read', study_uid: STUDY });
      }
    });
  });

  it('is the KHEOPS UI client\'s grant only', async () => {
    const request = viewerTokenRequest(await userToken('alice'));
    const viewer = await exchange(request, { clientId: 'ohif-viewer', origin: VIEWER_ORIGIN });
    expect(viewer.status).toBe(400);
    expect(viewer.body).toMatchObject({ error: 'invalid_request', error_description: 'requested grant type is not allowed for this client' });
    expect((await exchange(request, { clientId: 'ohif-report-provider' })).body.error).toBe('invalid_client');
    // The KHEOPS UI is on KHEOPS's own origin: a page on the viewer's origin cannot act as it.
    expect((await exchange(request, { origin: VIEWER_ORIGIN })).body.error).toBe('invalid_request');
  });

  it('is left out of discovery, which lists what the viewer may use', async () => {
    const discovery = (await (await fetch(`${base}/api/.well-known/openid-configuration`)).json()) as { grant_types_supported: string[] };
    expect(discovery.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
  });
});

describe('viewer links from the study page', () => {
  async function viewerLink(user: string): Promise<Response> {
    return fetch(`${base}/ui/viewer-link?${new URLSearchParams({ user, study: STUDY }).toString()}`, { redirect: 'manual' });
  }

  function linkToken(response: Response): string {
    const url = new URL(new URL(response.headers.get('location') ?? '').searchParams.get('url') ?? '');
    const token = /\/api\/link\/([^/]+)\/ohifservermetadata$/.exec(url.pathname)?.[1] ?? '';
    issued.push(token);
    return token;
  }

  it('carry a token that came out of the exchange (the KHEOPS UI client, the user, the study)', async () => {
    const response = await viewerLink('alice');
    expect(response.status).toBe(302);
    const token = linkToken(response);
    expect(decodeJwt(token)).toMatchObject({ sub: 'alice', scope: 'read write', study_uid: STUDY, client_id: 'kheops-ui' });
    expect(await gatewayStatus(token, STUDY)).toBe(200);
    expect(await gatewayStatus(token, OTHER_STUDY)).toBe(403);
  });

  it('ask for "viewer read" only for a read-only user', async () => {
    await control('read-only', { user: 'bob', readOnly: true });
    try {
      expect(decodeJwt(linkToken(await viewerLink('bob'))).scope).toBe('read');
    } finally {
      await control('read-only', { user: 'bob', readOnly: false });
    }
  });

  it('get no token while the token endpoint is down: the link needs the exchange', async () => {
    await control('fail', { provider: true });
    try {
      const response = await viewerLink('alice');
      expect(response.status).toBe(502);
      expect(await response.text()).toBe('the KHEOPS token endpoint gave no viewer token (temporarily_unavailable)');
    } finally {
      await control('fail', { provider: false });
    }
  });
});

describe('parseViewerTokenRequest and checkScopesAllowed', () => {
  const valid = { subject_token: 't', subject_token_type: ACCESS_TOKEN_TYPE, scope: 'viewer read write', studyUID: STUDY };

  it('reads the study and the DICOMweb scopes', () => {
    expect(parseViewerTokenRequest(valid)).toEqual({ subjectToken: 't', studyUid: STUDY, scopes: ['read', 'write'] });
    expect(parseViewerTokenRequest({ ...valid, scope: 'viewer read' })).toEqual({ subjectToken: 't', studyUid: STUDY, scopes: ['read'] });
  });

  it('checks the request before the scope', () => {
    expect(parseViewerTokenRequest({ ...valid, studyUID: 'x', scope: 'nonsense' })).toMatchObject({ error: 'invalid_request' });
  });

  it('grants write only to a user who may write, with a subject token that may', () => {
    expect(checkScopesAllowed(['read', 'write'], new Set(['read', 'write']), false)).toBeUndefined();
    expect(checkScopesAllowed(['read', 'write'], new Set(['read', 'write']), true)).toMatchObject({ error: 'invalid_scope' });
    expect(checkScopesAllowed(['read', 'write'], new Set(['read']), false)).toMatchObject({ error: 'invalid_scope' });
    expect(checkScopesAllowed(['read'], new Set(['read']), true)).toBeUndefined();
  });
});

// Last (jest runs describe blocks in order), once every token above was issued.
describe("the stand-in's output", () => {
  it('holds no token: refusals and failures are reported by code and reason only', () => {
    expect(issued.length).toBeGreaterThan(10);
    const output = standin.output();
    for (const token of issued.filter(Boolean)) expect(output).not.toContain(token);
  });
});
