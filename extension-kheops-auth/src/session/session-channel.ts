/**
 * How the viewer tabs of one origin tell each other that a session ended by signing out, so that
 * every tab drops its copy of the tokens at once instead of at its next renewal.
 */
export interface SessionChannel {
  /** `key` is the session's `<issuer>|<sub>`; no token is ever sent. */
  announceSignOut(key: string): void;
  onSignOut(listener: (key: string) => void): () => void;
}

const CHANNEL = 'kheops-auth.session';

interface SignOutMessage {
  type: 'signed-out';
  key: string;
}

function isSignOutMessage(data: unknown): data is SignOutMessage {
  const message = data as Partial<SignOutMessage> | null;
  return message?.type === 'signed-out' && typeof message.key === 'string';
}

/** Messages on one instance reach every other instance (of any tab), never itself, as BroadcastChannel does. */
export class MemorySessionChannel implements SessionChannel {
  private static readonly all = new Set<MemorySessionChannel>();
  private readonly listeners = new Set<(key: string) => void>();

  constructor() {
    MemorySessionChannel.all.add(this);
  }

  announceSignOut(key: string): void {
    for (const channel of MemorySessionChannel.all) {
      if (channel !== this) channel.listeners.forEach(listener => listener(key));
    }
  }

  onSignOut(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function browserSessionChannel(): SessionChannel {
  if (typeof BroadcastChannel === 'undefined') return new MemorySessionChannel();
  const channel = new BroadcastChannel(CHANNEL);
  const listeners = new Set<(key: string) => void>();
  channel.onmessage = event => {
    if (isSignOutMessage(event.data)) listeners.forEach(listener => listener((event.data as SignOutMessage).key));
  };
  return {
    announceSignOut: key => channel.postMessage({ type: 'signed-out', key } satisfies SignOutMessage),
    onSignOut(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
