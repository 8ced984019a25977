import React from 'react';
import type { KheopsAuthErrorCode } from '../errors';
import { legacyRefusal, REFUSAL_TEXT } from '../ohif/legacy-launch';
import { StatusPage } from './StatusPage';

/**
 * Shows why a launch with a token in its URL (viewer link, report provider) was refused. The URL
 * holds only the reason code; the message is the extension's own text, never the launch's input.
 * A plain function component without hooks.
 */
export function RefusedRoute(): React.ReactElement {
  const kept = legacyRefusal();
  const raw = new URLSearchParams(window.location.search).get('code') ?? '';
  const code = (kept?.code ?? (raw in REFUSAL_TEXT ? raw : 'invalid_link')) as KheopsAuthErrorCode;
  const message = kept?.message ?? REFUSAL_TEXT[code] ?? 'The launch was refused.';
  return (
    <StatusPage
      tone="refused"
      title="This launch was refused"
      message={message}
      hint="Open the study again from KHEOPS. If this keeps happening, tell your administrator."
      code={code}
    />
  );
}
