import React from 'react';

/** A button under the message; `action` names it for tests and deployers (`data-kheops-auth-action`). */
export interface StatusAction {
  label: string;
  action: 'continue' | 'cancel';
  onClick(): void;
}

export interface StatusPageProps {
  title: string;
  message: string;
  hint?: string | undefined;
  code?: string | undefined;
  /** `confirm` asks a question (with `actions`); `unchanged` says a cancelled launch changed nothing. */
  tone: 'working' | 'refused' | 'confirm' | 'unchanged';
  actions?: StatusAction[] | undefined;
  /** For IT, under the reason code: the technical account of this launch, when the page still has it. */
  detail?: string | undefined;
  /** A link out of the screen ("Back to KHEOPS"), to an address from the configuration only. */
  back?: { href: string; label: string } | undefined;
}

const frame: React.CSSProperties = {
  minHeight: '100vh',
  display: 'flex',
  alignItems: 'center',
  justifyContent: 'center',
  background: '#090c29',
  color: '#e6ecf5',
  fontFamily: 'Inter, system-ui, sans-serif',
};
const button: React.CSSProperties = {
  font: 'inherit',
  fontWeight: 600,
  padding: '0.5rem 1.1rem',
  borderRadius: '0.5rem',
  border: '1px solid #5acce6',
  background: '#5acce6',
  color: '#090c29',
  cursor: 'pointer',
};
const secondaryButton: React.CSSProperties = { ...button, background: 'transparent', color: '#e6ecf5', borderColor: '#7d8aa3' };
const card: React.CSSProperties = {
  maxWidth: '36rem',
  padding: '2rem 2.5rem',
  borderRadius: '0.75rem',
  background: '#0d1f42',
  boxShadow: '0 8px 30px rgba(0,0,0,0.45)',
  lineHeight: 1.5,
};

/**
 * The one screen the sign-in routes show: a plain function component with no hooks, so it renders
 * under OHIF's React whichever React copy created the elements. Text only: nothing here is HTML.
 */
export function StatusPage({ title, message, hint, code, tone, actions, detail, back }: StatusPageProps): React.ReactElement {
  // A refusal's hint is the fix for IT: it goes under the reason code, below what the clinician reads.
  const itNote = tone === 'refused' && code !== undefined;
  return (
    <div style={frame} data-kheops-auth-status={tone} role={tone === 'refused' ? 'alert' : 'status'}>
      <div style={card}>
        <h1 style={{ fontSize: '1.4rem', margin: '0 0 0.75rem', color: tone === 'refused' ? '#ffb4a9' : '#9ccef9' }}>{title}</h1>
        <p style={{ margin: '0 0 0.75rem', whiteSpace: 'pre-wrap' }} data-kheops-auth-message="">
          {message}
        </p>
        {hint && !itNote ? <p style={{ margin: '0 0 0.75rem', color: '#b9c3d6' }}>{hint}</p> : null}
        {back ? (
          <p style={{ margin: '0 0 1rem' }}>
            <a href={back.href} rel="noopener noreferrer" style={{ ...button, display: 'inline-block', textDecoration: 'none' }} data-kheops-auth-back="">
              {back.label}
            </a>
          </p>
        ) : null}
        {code ? (
          <div style={{ margin: 0, fontSize: '0.8rem', color: '#7d8aa3' }} data-kheops-auth-it="">
            <p style={{ margin: 0 }}>
              {itNote ? 'For IT: reason code ' : 'Reason code: '}
              <code data-kheops-auth-code={code}>{code}</code>
            </p>
            {itNote && hint ? (
              <p style={{ margin: '0.25rem 0 0' }} data-kheops-auth-fix="">
                {hint}
              </p>
            ) : null}
            {detail ? (
              <p style={{ margin: '0.25rem 0 0', whiteSpace: 'pre-wrap' }} data-kheops-auth-detail="">
                {detail}
              </p>
            ) : null}
          </div>
        ) : null}
        {actions && actions.length > 0 ? (
          <div style={{ display: 'flex', gap: '0.75rem', marginTop: '1.25rem' }}>
            {actions.map(({ label, action, onClick }) => (
              <button key={action} type="button" style={action === 'cancel' ? secondaryButton : button} data-kheops-auth-action={action} onClick={onClick}>
                {label}
              </button>
            ))}
          </div>
        ) : null}
      </div>
    </div>
  );
}
