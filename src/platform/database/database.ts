import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { projectPath } from '../paths.js';
import { plannerSettings } from './planner.js';
import { ReadRouter } from './read-routing.js';
import type { Database } from './types.js';

/** The query builder, the same type whichever engine is behind it (a transaction has it too). */
export type { Database } from './types.js';

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface DatabaseConnection {
  /** The primary: every write, and every read that must see the latest data. */
  db: Database;
  /** Read replicas (DATABASE_REPLICA_URL), for the reads that may be a moment old. */
  replicas: Database[];
  /** Which of them a read goes to (platform/database/read-routing.ts). */
  router: ReadRouter;
  /** False behind a pooler in transaction mode: prepared statements stay unnamed. */
  namedStatements: boolean;
  /** Resolves when the database answers `SELECT 1`. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Connections of the pool by state (PostgreSQL only: the embedded database has one). */
  poolStats?: () => PoolStats;
}

interface Logger {
  error(payload: object, message: string): void;
  warn(payload: object, message: string): void;
  info(message: string): void;
}

const migrationsFolder = projectPath('drizzle');

// Bounded, so that a load balancer hears "unhealthy" quickly rather than nothing.
const PING_TIMEOUT_MS = 2_000;

async function answersWithin(ms: number, query: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}

// Any constant works as long as every instance of the app uses the same one.
const MIGRATION_LOCK_KEY = 7_283_612_001;

export async function openDatabase(config: DatabaseConfig, log: Logger): Promise<DatabaseConnection> {
  return config.kind === 'postgres' ? openPostgres(config, log) : openPglite(config, log);
}

async function openPglite(
  config: Extract<DatabaseConfig, { kind: 'pglite' }>,
  log: Logger,
): Promise<DatabaseConnection> {
  // Loaded only in the embedded mode: a production start on PostgreSQL never pays for the WASM build.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  // PGlite makes its own folder but not the ones above it (a new DATA_DIR with SECRET_KEY set).
  if (config.dataDir) await mkdir(path.dirname(config.dataDir), { recursive: true });
  const client = await PGlite.create({
    dataDir: config.dataDir ?? 'memory://',
    ...(config.startFrom && { loadDataDir: config.startFrom }),
  });
  for (const [name, value] of plannerSettings) await client.query(`SET ${name} = ${value}`);
  const db = drizzlePglite({ client }) as unknown as Database;
  if (config.migrateOnStart) {
    // One process owns an embedded database, so there is nobody to take a lock against.
    await migratePglite(db as never, { migrationsFolder });
    log.info('database migrations are up to date');
  }
  return {
    db,
    replicas: [],
    router: new ReadRouter([], db, log),
    namedStatements: true,
    ping: () => answersWithin(PING_TIMEOUT_MS, client.query('SELECT 1')),
    close: () => client.close(),
  };
}

async function openPostgres(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  log: Logger,
): Promise<DatabaseConnection> {
  if (config.migrateOnStart) await migratePostgres(config.url);
  log.info('database migrations are up to date');
  const pool = openPool(config.url, config.poolMax, 5_000, config.startupOptions, log);
  await warnOnPlannerSettings(pool, log);
  const db = drizzlePg({ client: pool }) as unknown as Database;
  // A replica that is away must cost a read little before it falls back to the primary.
  const replicaPools = config.replicaUrls.map((url) =>
    openPool(url, config.poolMax, 1_000, config.startupOptions, log),
  );
  const replicas = replicaPools.map((replica) => drizzlePg({ client: replica }) as unknown as Database);
  return {
    db,
    replicas,
    router: new ReadRouter(replicas, db, log),
    namedStatements: config.namedStatements,
    ping: () => answersWithin(PING_TIMEOUT_MS, pool.query('SELECT 1')),
    close: async () => {
      await Promise.all([pool.end(), ...replicaPools.map((replica) => replica.end())]);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/**
 * Says so at start when the sessions do not plan as the app expects: startup options turned off
 * behind a pooler without the role's setting, replaced by an `options` parameter in DATABASE_URL, or
 * refused. Never fatal: the database may be away at start, which /health reports.
 */
async function warnOnPlannerSettings(pool: pg.Pool, log: Logger): Promise<void> {
  const hint = 'README, Operations, "Planner setting"';
  try {
    for (const [name, value] of plannerSettings) {
      const { rows } = await pool.query<Record<string, string>>(`SHOW ${name}`);
      const actual = rows[0]?.[name];
      if (actual !== value) {
        log.warn(
          { setting: name, expected: value, actual },
          `the database sessions plan with ${name} = ${actual}: searches for common words may read far more rows (${hint})`,
        );
      }
    }
  } catch (error) {
    const refused = /startup parameter/i.test((error as Error).message);
    log.warn(
      { err: error },
      refused
        ? `the database refused the sessions' startup options: behind such a pooler set DATABASE_PLANNER_SETTINGS=false (${hint})`
        : 'the planner settings could not be checked at start',
    );
  }
}

function openPool(
  url: string,
  max: number,
  connectionTimeoutMillis: number,
  options: string | undefined,
  log: Logger,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(options && { options }),
    // A request must fail fast rather than hang while the server is away.
    connectionTimeoutMillis,
    idleTimeoutMillis: 30_000,
    // A database that stops answering turns requests into 503s within seconds, not minutes. The
    // slowest query here, a deep offset page, takes well under this.
    query_timeout: 8_000,
    keepAlive: true,
  });
  // An idle client that loses its server emits here; without a listener the process would exit.
  pool.on('error', (error) => log.error({ err: error }, 'idle database connection failed'));
  return pool;
}

/**
 * Applies pending migrations on one dedicated connection that holds a session advisory lock, so that
 * replicas starting together run them once: the others wait, then find nothing left to do.
 */
export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migratePg(drizzlePg({ client }), { migrationsFolder });
  } finally {
    // Closing the session releases the lock even if unlocking is never reached.
    await client.end();
  }
}
