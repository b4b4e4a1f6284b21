import { defineConfig } from 'drizzle-kit';

// Each feature keeps its tables in its own folder (`src/<feature>/*.table.ts`); the platform's own
// (counters, jobs) sit in src/platform.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/*/*.table.ts', './src/platform/*/*.table.ts'],
  out: './drizzle',
});
