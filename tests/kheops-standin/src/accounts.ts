import { timingSafeEqual } from 'node:crypto';

export interface DemoUser {
  /** Account id: the `sub` of every token issued to this user, and the `login_hint` the study page sends. */
  id: string;
  password: string;
  name: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'alice', password: 'alice', name: 'Alice Martin' },
  { id: 'bob', password: 'bob', name: 'Bob Keller' },
];

export function findDemoUser(id: unknown): DemoUser | undefined {
  return typeof id === 'string' ? DEMO_USERS.find((user) => user.id === id) : undefined;
}

/** Returns the user when the password matches; compares in constant time out of habit, not necessity. */
export function authenticate(username: string, password: string): DemoUser | undefined {
  const user = findDemoUser(username.trim());
  if (!user) return undefined;
  const expected = Buffer.from(user.password);
  const given = Buffer.from(password);
  return expected.length === given.length && timingSafeEqual(expected, given) ? user : undefined;
}
