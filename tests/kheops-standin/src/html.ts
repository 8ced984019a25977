import type { ServerResponse } from 'node:http';

export const PAGE_TITLE = 'KHEOPS (local stand-in)';

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const BASE_CSS = `
  :root { color-scheme: light; --accent: #1f6feb; --ink: #1c2430; --muted: #5b6675; --line: #dde3ea; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f4f6f9; }
  header.top { background: #14243b; color: #fff; padding: 12px 24px; display: flex; align-items: center; gap: 24px; }
  header.top h1 { font-size: 18px; margin: 0; font-weight: 600; letter-spacing: .02em; }
  header.top a { color: #cfe0ff; }
  main { max-width: 1100px; margin: 24px auto; padding: 0 16px; }
  .panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 20px 24px; }
  .narrow { max-width: 380px; margin: 48px auto; }
  label { display: block; margin: 12px 0 4px; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; padding: 8px 10px; border: 1px solid #b8c2cf; border-radius: 6px; font: inherit; }
  button { margin-top: 16px; padding: 8px 16px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
  button.secondary { background: #e7ebf0; color: var(--ink); }
  .error { color: #b42318; background: #fef3f2; border: 1px solid #fecdca; padding: 8px 12px; border-radius: 6px; }
  .muted { color: var(--muted); }
`;

export interface PageParts {
  body: string;
  /** Extra CSS for this page only. */
  css?: string;
}

export function renderPage({ body, css = '' }: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(PAGE_TITLE)}</title>
<style>${BASE_CSS}${css}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(PAGE_TITLE)}</h1></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * No scripts at all on these pages, so the policy can be strict. `formTargets` lists the origins a form
 * may end up at after redirects: browsers apply form-action to the whole redirect chain.
 */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self'",
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function sendHtml(res: ServerResponse, status: number, html: string, formTargets: readonly string[] = []): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': contentSecurityPolicy(formTargets),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(html);
}
