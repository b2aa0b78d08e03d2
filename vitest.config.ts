import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two files at a time on this 2-core machine (vitest's default is cores − 1 = one): many
    // tests wait on the Postgres server, child processes or Chromium rather than on the CPU.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          // web/src/lib holds the dashboard's pure logic (money, URL state, exports): plain node tests.
          include: ['{server,etl,fixtures,bench,test,scripts}/**/*.{spec,test}.ts', 'web/src/lib/**/*.spec.ts'],
          environment: 'node',
          // Builds the dashboard once, before any file, when it is missing or stale.
          globalSetup: ['test/global-setup.ts'],
          // Database tests start PGlite (~3 s) and load real files.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
