import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          // web/src/lib holds the dashboard's pure logic (money, URL state, exports): plain node tests.
          include: ['{server,etl,fixtures,bench,test,scripts}/**/*.{spec,test}.ts', 'web/src/lib/**/*.spec.ts'],
          environment: 'node',
          // Database tests start PGlite (~3 s) and load real files.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
