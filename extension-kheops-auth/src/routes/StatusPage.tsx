import React from 'react';

export interface StatusPageProps {
  title: string;
  message: string;
  hint?: string | undefined;
  code?: string | undefined;
  tone: 'working' | 'refused';
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
export function StatusPage({ title, message, hint, code, tone }: StatusPageProps): React.ReactElement {
  return (
    <div style={frame} data-kheops-auth-status={tone} role={tone === 'refused' ? 'alert' : 'status'}>
      <div style={card}>
        <h1 style={{ fontSize: '1.4rem', margin: '0 0 0.75rem', color: tone === 'refused' ? '#ffb4a9' : '#9ccef9' }}>{title}</h1>
        <p style={{ margin: '0 0 0.75rem', whiteSpace: 'pre-wrap' }} data-kheops-auth-message="">
          {message}
        </p>
        {hint ? <p style={{ margin: '0 0 0.75rem', color: '#b9c3d6' }}>{hint}</p> : null}
        {code ? (
          <p style={{ margin: 0, fontSize: '0.8rem', color: '#7d8aa3' }}>
            Reason code: <code data-kheops-auth-code={code}>{code}</code>
          </p>
        ) : null}
      </div>
    </div>
  );
}
