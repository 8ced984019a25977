// The provider's user-facing pages: a login form, and an automatic consent for the first-party viewer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';

import { DEMO_USERS, authenticate, findDemoUser } from './accounts.js';
import { escapeHtml, renderPage, sendHtml } from './html.js';
import { HttpError, readForm } from './http-utils.js';
import { DICOMWEB_SCOPES, VIEWER_CLIENT_ID } from './provider.js';
import type { RuntimeSettings } from './settings.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export interface InteractionContext {
  provider: Provider;
  dicomWebRoot: string;
  viewerOrigin: string;
  settings: RuntimeSettings;
  /** Other origins a sign-in may return to (a released KHEOPS's UI, when the stand-in is its realm). */
  otherClientOrigins?: string[];
}

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/;

export function isInteractionPath(path: string): boolean {
  return path === '/interaction' || path.startsWith('/interaction/');
}

export async function handleInteraction(
  context: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const match = INTERACTION_PATH.exec(path);
  const uid = match?.[1];
  const action = match?.[2];
  if (!uid) throw new HttpError(404, 'no such page');

  const interaction = await loadInteraction(context, req, res, uid);
  if (!interaction) return;

  if (req.method === 'GET' && !action) {
    if (interaction.prompt.name === 'consent') return grantConsent(context, req, res, interaction);
    return sendLoginForm(context, res, interaction, { username: hintedUsername(interaction) });
  }
  if (req.method === 'POST' && action === 'login') return submitLogin(context, req, res, interaction);
  if (req.method === 'POST' && action === 'abort') {
    return context.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted the sign-in' },
      { mergeWithLastSubmission: false },
    );
  }
  throw new HttpError(405, `${req.method ?? ''} is not allowed here`);
}

async function loadInteraction(
  { provider, viewerOrigin }: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<Interaction | undefined> {
  let interaction: Interaction;
  try {
    interaction = await provider.interactionDetails(req, res);
  } catch {
    // No interaction cookie, or the interaction expired (its TTL is one hour).
    sendMessagePage(res, 400, viewerOrigin, 'This sign-in request has expired or is unknown. Go back to the viewer and open the study again.');
    return undefined;
  }
  if (interaction.uid !== uid) {
    sendMessagePage(res, 400, viewerOrigin, 'This sign-in page does not belong to the current sign-in request. Go back to the viewer and open the study again.');
    return undefined;
  }
  return interaction;
}

async function submitLogin(context: InteractionContext, req: IncomingMessage, res: ServerResponse, interaction: Interaction): Promise<void> {
  if (interaction.prompt.name !== 'login') throw new HttpError(400, 'this sign-in request does not expect a login');
  const form = await readForm(req);
  const username = form.get('username') ?? '';
  const user = authenticate(username, form.get('password') ?? '');
  if (!user) {
    return sendLoginForm(context, res, interaction, { username, error: 'Unknown user name or wrong password.' });
  }
  const result: InteractionResults = { login: { accountId: user.id } };
  await context.provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

/**
 * KHEOPS is the viewer's own platform, so the viewer is a first-party client: the user is never asked
 * to approve scopes. The grant holds exactly what was requested (the DICOMweb scopes only as far as
 * the resource server defines them), except `write` for a user made read-only by a test control.
 */
async function grantConsent(
  { provider, dicomWebRoot, settings }: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  interaction: Interaction,
): Promise<void> {
  const { prompt, params, session } = interaction;
  if (params.client_id !== VIEWER_CLIENT_ID || !session?.accountId) {
    throw new HttpError(400, 'consent is only granted automatically to the viewer for a signed-in user');
  }
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId: session.accountId, clientId: VIEWER_CLIENT_ID });

  const details = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (details.missingOIDCScope?.length) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims);
  const readOnly = settings.readOnlyUsers.has(session.accountId);
  const dicomWebScopes = (details.missingResourceScopes?.[dicomWebRoot] ?? []).filter((scope) =>
    (DICOMWEB_SCOPES as readonly string[]).includes(scope),
  );
  const granted = readOnly ? dicomWebScopes.filter((scope) => scope !== 'write') : dicomWebScopes;
  if (granted.length) grant.addResourceScope(dicomWebRoot, granted.join(' '));
  // Rejected rather than left out: a scope still "missing" would send the user back to consent forever.
  if (readOnly && dicomWebScopes.includes('write')) grant.rejectResourceScope(dicomWebRoot, 'write');

  const grantId = await grant.save();
  const result: InteractionResults = { consent: existing ? {} : { grantId } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

function hintedUsername(interaction: Interaction): string {
  const hint = interaction.params.login_hint;
  return typeof hint === 'string' ? hint : '';
}

function sendLoginForm(
  { viewerOrigin, otherClientOrigins = [] }: InteractionContext,
  res: ServerResponse,
  interaction: Interaction,
  { username, error }: { username: string; error?: string },
): void {
  const uid = encodeURIComponent(interaction.uid);
  const signedInAs = findDemoUser(interaction.session?.accountId);
  const switching =
    signedInAs && username && signedInAs.id !== username
      ? `<p class="muted">You are signed in as ${escapeHtml(signedInAs.name)}; this link is for ${escapeHtml(username)}.</p>`
      : '';
  const users = DEMO_USERS.map((user) => `<code>${escapeHtml(user.id)}</code>`).join(', ');
  const body = `<section class="panel narrow">
  <h2>Sign in</h2>
  <p class="muted">to open the study in the OHIF viewer</p>
  ${switching}
  ${error ? `<p class="error" id="login-error" role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="/interaction/${uid}/login" autocomplete="off">
    <label for="username">User name</label>
    <input id="username" name="username" type="text" value="${escapeHtml(username)}" required${username ? '' : ' autofocus'}>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" required${username ? ' autofocus' : ''}>
    <button id="login" type="submit">Sign in</button>
  </form>
  <form method="post" action="/interaction/${uid}/abort">
    <button id="cancel" class="secondary" type="submit">Cancel</button>
  </form>
  <p class="muted">Demo users: ${users} (the password is the user name).</p>
</section>`;
  sendHtml(res, 200, renderPage({ body }), [viewerOrigin, ...otherClientOrigins]);
}

function sendMessagePage(res: ServerResponse, status: number, viewerOrigin: string, message: string): void {
  sendHtml(res, status, renderPage({ body: `<section class="panel narrow"><p class="error">${escapeHtml(message)}</p></section>` }), [viewerOrigin]);
}
