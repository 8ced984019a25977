// Imported before oidc-provider, which warns at load and at start-up about two things that are true
// and expected here, and would otherwise open every demo log as if something were wrong:
// - "Unsupported runtime": it wants Node 22; this project runs on Node 20.19+ (package.json engines)
//   and its end-to-end tests pass there.
// - "in-memory adapter": the stand-in is one test process whose sign-ins may die with it (a restart
//   invalidates every session anyway, see provider.ts); nothing is shared between processes.
// Only these two lines are dropped; every other oidc-provider warning still reaches the log.
const EXPECTED = ['oidc-provider WARNING: Unsupported runtime.', 'oidc-provider WARNING: a quick start development-only in-memory adapter is used'];

const warn = console.warn.bind(console);
console.warn = (...args: unknown[]): void => {
  const [first] = args;
  if (typeof first === 'string' && EXPECTED.some(expected => first.includes(expected))) return;
  warn(...args);
};
