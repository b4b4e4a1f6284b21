import { defineConfig } from 'vitest/config';

// The system suite (`npm run test:system`): the built server as real processes on loopback, with the
// machine's PostgreSQL and Redis, nginx as a load balancer, and faults (a database stopped under load,
// SIGTERM with requests in flight, slow and huge clients). One file at a time: each starts processes and
// loads the machine.
export default defineConfig({
  test: {
    include: ['system/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
