import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export type App = Awaited<ReturnType<typeof buildApp>>;

export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-for-hs256';

/**
 * The real PostgreSQL server when TEST_DATABASE_URL is set (a fresh database per app, dropped at the
 * end), otherwise an in-memory PGlite.
 */
async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { url: 'memory://', drop: async () => undefined };
  const name = `blog_test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestApp {
  app: App;
  dataDir: string;
  /** The mails written to the outbox so far, oldest first, as raw RFC 822 text. */
  outbox(): Promise<string[]>;
  /** Empties every table, so each test starts from nothing. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the real app on a real database with the embedded outbox; `env` overrides the settings. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
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
  const app = await buildApp({ config, runJobs: false });
  await app.ready();
  const outboxDir = path.join(dataDir, 'outbox');

  return {
    app,
    dataDir,
    async outbox() {
      const names = await readdir(outboxDir).catch(() => [] as string[]);
      return Promise.all(names.sort().map((name) => readFile(path.join(outboxDir, name), 'utf8')));
    },
    async reset() {
      await app.database.db.execute(
        sql`TRUNCATE users, posts, post_likes, password_reset_tokens, jobs RESTART IDENTITY CASCADE`,
      );
      // The content version only ever grows: pages rendered before the reset stay under the old one.
      await app.database.db.execute(
        sql`UPDATE counters SET value = CASE name WHEN 'content_version' THEN value + 1 ELSE 0 END`,
      );
      await rm(outboxDir, { recursive: true, force: true });
    },
    async close() {
      await app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  token: string;
  /** `{ authorization: 'Bearer <token>' }` */
  headers: { authorization: string };
}

/** Registers a user through the API and logs in, as a client would. */
export async function signUp(
  app: App,
  fields: Partial<Pick<TestUser, 'username' | 'email' | 'password'>> = {},
): Promise<TestUser> {
  counter += 1;
  const username = fields.username ?? `user${counter}_${randomUUID().slice(0, 6)}`;
  const email = fields.email ?? `${username.toLowerCase()}@example.com`;
  const password = fields.password ?? 'correct horse battery';
  const created = await app.inject({
    method: 'POST',
    url: '/api/users',
    payload: { username, email, password },
  });
  if (created.statusCode !== 201) throw new Error(`sign up failed: ${created.statusCode} ${created.body}`);
  const token = await logIn(app, email, password);
  return {
    id: created.json<{ id: number }>().id,
    username,
    email,
    password,
    token,
    headers: { authorization: `Bearer ${token}` },
  };
}

export async function logIn(app: App, email: string, password: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/users/token',
    payload: new URLSearchParams({ username: email, password }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (response.statusCode !== 200) throw new Error(`log in failed: ${response.statusCode} ${response.body}`);
  return response.json<{ access_token: string }>().access_token;
}

/** The reset link of a raw mail, decoded from its quoted-printable text part. */
export function resetLinkIn(mail: string): string {
  const unfolded = mail.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const match = /https?:\/\/[^\s"<>]+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(unfolded);
  if (!match) throw new Error('no reset link in the mail');
  return match[0];
}
