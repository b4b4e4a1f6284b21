import { defineConfig } from 'vitest/config';

// The browser suite (`npm run test:browser`): the real app on loopback, driven by Chromium. One file at a
// time, since each starts its own app and browser and the machine may have only a couple of cores.
export default defineConfig({
  test: {
    // The browser tests of a feature sit in its folder (src/<feature>/*.e2e.ts); e2e/ holds the rest.
    include: ['e2e/**/*.test.ts', 'src/**/*.e2e.ts'],
    // Each file's app starts from one migrated PGlite dumped once (test/support/pglite-template.ts).
    globalSetup: ['test/support/pglite-template.ts'],
    fileParallelism: false,
    // The files share one module graph (as in the default suite): the app and Playwright load once.
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
