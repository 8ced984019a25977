import React from 'react';
import type { KheopsAuthErrorCode } from '../errors';
import { REFUSAL_TEXT } from '../launch/legacy-launch-capture';
import { STATUS_TEXT } from '../login/status-text';
import { runtime } from '../runtime';
import { StatusPage } from './StatusPage';

/**
 * Shows why a launch with a token in its URL (viewer link, report provider) was refused. The URL
 * holds only the reason code; the message is the extension's own text, never the launch's input.
 * A plain function component without hooks.
 */
export function RefusedRoute(): React.ReactElement {
  const kept = runtime.refusal;
  const raw = new URLSearchParams(window.location.search).get('code') ?? '';
  // Own keys only: `in` would take `constructor` or `__proto__` for a code and show no message.
  const code = (kept?.code ?? (Object.hasOwn(REFUSAL_TEXT, raw) ? raw : 'invalid_link')) as KheopsAuthErrorCode;
  const message = kept?.message ?? REFUSAL_TEXT[code] ?? 'The launch was refused.';
  return (
    <StatusPage
      tone="refused"
      title={STATUS_TEXT.launchRefused.title}
      message={message}
      hint={STATUS_TEXT.launchRefused.hint}
      code={code}
    />
  );
}
