import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each feature's tests sit in its folder (src/<feature>/*.test.ts); test/ holds those of the whole app.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Without TEST_DATABASE_URL, one migrated PGlite dumped once, that every test app starts from.
    globalSetup: ['test/support/pglite-template.ts'],
    // A worker runs its files one after another in one module graph: the app's modules (and PGlite's
    // WebAssembly) load once per worker, not once per file. Files share no state but the modules': each
    // builds its own app on its own database, and none mocks a module.
    isolate: false,
    // Every core (Vitest keeps one free by default, which on a two-core machine means one worker).
    maxWorkers: '100%',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
