/* global jest */
// End-to-end tests drive a real browser against the real stack on a 2-core machine.
jest.setTimeout(240_000);
