// Two projects: fast unit tests, and end-to-end tests that run the real stack
// (Orthanc, the KHEOPS stand-in with oidc-provider, the prebuilt OHIF app, Chromium).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'classic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const transform = { '^.+\\.(t|j|mj)sx?$': swc };
// jose and oidc-client-ts ship ES modules only (or prefer them); let swc turn them into CommonJS for jest.
const transformIgnorePatterns = ['/node_modules/(?!(jose|oidc-client-ts|fast-check|pure-rand)/)'];
// The stand-in's sources import each other as './x.js' (Node's ESM resolution); jest finds the .ts.
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };

export default {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
      testMatch: [
        '<rootDir>/extension-kheops-auth/src/**/*.test.ts?(x)',
        '<rootDir>/mode-kheops/src/**/*.test.ts?(x)',
        '<rootDir>/platform-config/**/*.test.ts',
        '<rootDir>/tests/unit/**/*.test.ts',
      ],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/tests/e2e/global-setup.cjs',
      globalTeardown: '<rootDir>/tests/e2e/global-teardown.cjs',
      setupFilesAfterEnv: ['<rootDir>/tests/e2e/setup-timeout.cjs'],
      slowTestThreshold: 60,
    },
  ],
};
