import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** `postgres://...` of a fresh database, or `memory://` for an in-memory PGlite. */
  url: string;
  drop(): Promise<void>;
}

/** The PostgreSQL server the tests may create databases on, if any (CI sets it). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/**
 * A new empty database on `serverUrl` (a PostgreSQL server whose databases the tests may create and
 * drop), dropped WITH (FORCE) by `drop()`; without a server, an in-memory PGlite.
 */
export async function createDatabase(
  serverUrl: string | undefined = TEST_DATABASE_URL,
  prefix = 'blog_test',
): Promise<TestDatabase> {
  if (!serverUrl) return { url: 'memory://', drop: async () => undefined };
  const name = `${prefix}_${randomBytes(8).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
