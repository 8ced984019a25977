/**
 * @jest-environment jsdom
 */
import type { SessionHealth } from '../../session/token-keeper';
import { guardEndedSession, ENDED_COVER_TITLE } from './ended-session-guard';
import { imageLoadingSwitch } from './image-loading-switch';
import { quietHttpErrorHandler, installHttpErrorHandler } from './http-error-handler';

function pool() {
  const max: Record<string, number> = { interaction: 6, thumbnail: 6, prefetch: 5, compute: 1000 };
  return { max, setMaxSimultaneousRequests: (type: string, n: number) => void (max[type] = n), getMaxSimultaneousRequests: (type: string) => max[type] ?? 0 };
}

function fakeSession(renewable = true) {
  const health = new Set<(health: SessionHealth) => void>();
  const ends = new Set<() => void>();
  return {
    isRenewable: () => renewable,
    onHealthChange: (listener: (health: SessionHealth) => void) => (health.add(listener), () => health.delete(listener)),
    onSessionEnd: (listener: () => void) => (ends.add(listener), () => ends.delete(listener)),
    health: (value: SessionHealth) => health.forEach(listener => listener(value)),
    end: () => ends.forEach(listener => listener()),
  };
}

function setUp(renewable = true) {
  document.body.innerHTML = '<div data-cy="viewport-pane"><canvas></canvas></div><div data-cy="viewport-pane"></div>';
  const load = pool();
  const retrieve = pool();
  const session = fakeSession(renewable);
  const stop = guardEndedSession(session, imageLoadingSwitch({ cornerstone: { imageLoadPoolManager: load, imageRetrievalPoolManager: retrieve } }), document);
  return { load, retrieve, session, stop };
}

const covers = () => document.querySelectorAll('[data-cy="viewport-pane"] > [data-kheops-auth-ended-cover]');

describe('guardEndedSession', () => {
  it('sends no frame and covers every viewport, present and to come, once the session ends', async () => {
    const { load, retrieve, session, stop } = setUp();
    expect(covers()).toHaveLength(0);
    session.end();
    expect(Object.values(load.max)).toEqual([0, 0, 0, 0]);
    expect(Object.values(retrieve.max)).toEqual([0, 0, 0, 0]);
    expect(covers()).toHaveLength(2);
    expect(covers()[0]?.textContent).toContain(ENDED_COVER_TITLE);
    const later = document.createElement('div');
    later.setAttribute('data-cy', 'viewport-pane');
    document.body.append(later);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(covers()).toHaveLength(3);
    // A renewal after the end changes nothing: the page stays over.
    session.health('active');
    expect(load.max.interaction).toBe(0);
    stop();
    expect(covers()).toHaveLength(0);
    expect(load.max).toEqual({ interaction: 6, thumbnail: 6, prefetch: 5, compute: 1000 });
  });

  it('holds frames while a renewable session waits for a sign-in, and lets them go after it', () => {
    const { load, session } = setUp(true);
    session.health('ended');
    expect(load.max.interaction).toBe(0);
    expect(covers()).toHaveLength(0);
    session.health('active');
    expect(load.max.interaction).toBe(6);
  });

  it('covers the viewports when a session from a launch URL ends', () => {
    const { load, session } = setUp(false);
    session.health('ended');
    expect(load.max.prefetch).toBe(0);
    expect(covers()).toHaveLength(2);
  });
});

describe('the HTTP error handler OHIF calls for failed frames', () => {
  it('logs one line per status, with no URL', () => {
    const lines: string[] = [];
    const handler = quietHttpErrorHandler(line => lines.push(line));
    for (let i = 0; i < 70; i++) handler({ status: 401, responseURL: 'http://x/frames/1' });
    handler(new Error('network'));
    expect(lines).toEqual([
      '[kheops-auth] image requests fail with HTTP 401; further failures like it are not logged.',
      '[kheops-auth] image requests fail with a network error; further failures like it are not logged.',
    ]);
  });

  it('is installed only where the deployer set none', () => {
    const own = () => undefined;
    const configured: Record<string, unknown> = { httpErrorHandler: own };
    installHttpErrorHandler(configured);
    expect(configured.httpErrorHandler).toBe(own);
    const bare: Record<string, unknown> = {};
    installHttpErrorHandler(bare);
    expect(typeof bare.httpErrorHandler).toBe('function');
  });
});
