import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { FastifyServerOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { loggerOptions } from '../../src/platform/http/logging.js';
import { CONTENT_VERSION } from '../../src/platform/database/counters.js';
import type { Database } from '../../src/platform/database/database.js';
import { createDatabase, TEST_DATABASE_URL } from './database.js';
import { startFromTemplate } from './pglite-template.js';

export type App = Awaited<ReturnType<typeof buildApp>>;

export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-for-hs256';

export interface TestApp {
  app: App;
  dataDir: string;
  /** The mails written to the outbox so far, oldest first, as raw RFC 822 text. */
  outbox(): Promise<string[]>;
  /** Empties every table, so each test starts from nothing. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Empties every table of the app (whatever the features added) and zeroes the counters. The content
 * version only ever grows: pages rendered before the reset stay under the old one.
 */
export async function emptyDatabase(db: Database): Promise<void> {
  const result: unknown = await db.execute(
    sql`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'counters'`,
  );
  const tables = (result as { rows: { tablename: string }[] }).rows
    .map((row) => `"${row.tablename}"`)
    .join(', ');
  await db.execute(sql.raw(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`));
  await db.execute(
    sql`UPDATE counters SET value = CASE name WHEN ${CONTENT_VERSION} THEN value + 1 ELSE 0 END`,
  );
}

/**
 * Apps with the default settings on PGlite that a finished test file handed back, emptied, for the next
 * file of this worker (files of a worker run one after another). Building one costs over a second.
 */
const kept: TestApp[] = [];

/**
 * Builds the real app on a real database (the server of TEST_DATABASE_URL, else an in-memory PGlite),
 * with the embedded outbox and no rate limits; `env` overrides the settings. On PGlite, an app with the
 * default settings may be one an earlier file of this worker closed: it comes emptied, as from `reset()`.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { runJobs?: boolean; logger?: FastifyServerOptions['logger'] } = {},
): Promise<TestApp> {
  const reusable =
    TEST_DATABASE_URL === undefined && Object.keys(env).length === 0 && Object.keys(options).length === 0;
  if (reusable) {
    const app = kept.pop();
    if (app) return app;
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'blog-test-'));
  const database = await createDatabase();
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    SECRET_KEY: TEST_SECRET_KEY,
    RATE_LIMIT: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
  await startFromTemplate(config);
  const app = await buildApp({
    config,
    runJobs: options.runJobs ?? false,
    ...(options.logger !== undefined && { logger: options.logger }),
  });
  await app.ready();
  const outboxDir = path.join(dataDir, 'outbox');

  const closeForGood = async () => {
    try {
      await app.close();
    } finally {
      // Also when closing failed (a test that closed the database under the app, say).
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  };
  const testApp: TestApp = {
    app,
    dataDir,
    async outbox() {
      const names = await readdir(outboxDir).catch(() => [] as string[]);
      return Promise.all(names.sort().map((name) => readFile(path.join(outboxDir, name), 'utf8')));
    },
    async reset() {
      await emptyDatabase(app.database.db);
      await rm(outboxDir, { recursive: true, force: true });
    },
    async close() {
      if (!reusable) return closeForGood();
      // Kept only if it still works (a test may have closed its database, say).
      const emptied = await testApp.reset().then(
        () => true,
        () => false,
      );
      if (emptied) kept.push(testApp);
      else await closeForGood();
    },
  };
  return testApp;
}

/** The app's own logger at `level`, writing into memory: `text()` is everything logged so far. */
export function capturedLogs(level: string): { logger: FastifyServerOptions['logger']; text(): string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: { ...loggerOptions(level), stream }, text: () => lines.join('') };
}
