import type { IncomingMessage } from 'node:http';

/**
 * OIDC Core §4 lets the platform start a third-party initiated login with a form POST as well as a
 * GET. Both login pages (the small one and OHIF's route) read the launch from the query string, so a
 * POST is answered with 303 See Other to the same path with the form's parameters as the query:
 * the browser then GETs it, and a reload never re-posts the form.
 */

/** The launch's parameters are bounded (target 4 KB, login_hint 2 KB); a larger body is not a launch. */
export const MAX_LOGIN_FORM_BYTES = 16 * 1024;

export type LoginPostAnswer =
  | { status: 303; location: string }
  | { status: 413 | 415; message: string };

/** True for `application/x-www-form-urlencoded`, with or without parameters (`; charset=UTF-8`). */
export function isFormContentType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded';
}

/** The GET URL (path and query) a form body redirects to; parameters are kept in order, repeats included. */
export function loginRedirectLocation(path: string, body: string): string {
  const query = new URLSearchParams(body).toString();
  return query ? `${path}?${query}` : path;
}

/** Reads at most `limit` bytes; resolves undefined (and stops reading) as soon as the body is larger. */
export function readBoundedBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        // Keep draining (not destroying) so the 413 can still be written on this connection.
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Decides the answer to a POST on the login path. */
export async function answerLoginPost(req: IncomingMessage, path: string): Promise<LoginPostAnswer> {
  if (!isFormContentType(req.headers['content-type'])) {
    req.resume();
    return { status: 415, message: 'a login POST must be application/x-www-form-urlencoded' };
  }
  const body = await readBoundedBody(req, MAX_LOGIN_FORM_BYTES);
  if (body === undefined) {
    return { status: 413, message: `a login form is at most ${MAX_LOGIN_FORM_BYTES} bytes` };
  }
  return { status: 303, location: loginRedirectLocation(path, body) };
}
