import { defineConfig } from 'vitest/config';

// The browser suite (`npm run test:browser`): the real app on loopback, driven by Chromium. One file at a
// time, since each starts its own app and browser and the machine may have only a couple of cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
