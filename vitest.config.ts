import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each feature's tests sit in its folder (src/<feature>/*.test.ts); test/ holds those of the whole app.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Each file builds its own app on its own database; PGlite's first start in a worker takes a while.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
