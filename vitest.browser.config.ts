import { defineConfig } from 'vitest/config';

// The browser suite (`npm run test:browser`): the real app on loopback, driven by Chromium. One file at a
// time, since each starts its own app and browser and the machine may have only a couple of cores.
export default defineConfig({
  test: {
    // The browser tests of a feature sit in its folder (src/<feature>/*.e2e.ts); e2e/ holds the rest.
    include: ['e2e/**/*.test.ts', 'src/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
