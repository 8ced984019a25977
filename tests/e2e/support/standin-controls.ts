import type { StackInfo } from './stack-info';

async function post(stack: StackInfo, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${stack.standinUrl}/__test/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST /__test/${path} answered ${response.status}`);
}

/** Lifetimes of tokens issued from now on. */
export function setTokenLifetimes(stack: StackInfo, lifetimes: { accessTokenTtl?: number; refreshTokenTtl?: number }): Promise<void> {
  return post(stack, 'ttl', lifetimes);
}

export function revokeUser(stack: StackInfo, user: string): Promise<void> {
  return post(stack, 'revoke', { user });
}

export function failParts(stack: StackInfo, parts: { provider?: boolean; gateway?: boolean }): Promise<void> {
  return post(stack, 'fail', parts);
}

/** KHEOPS's decision for this user's saves from now on: read-only users' STOWs are refused with 403. */
export function setReadOnly(stack: StackInfo, user: string, readOnly: boolean): Promise<void> {
  return post(stack, 'read-only', { user, readOnly });
}
