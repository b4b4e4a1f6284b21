import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/database/database.js';

const LONG_SECRET = 'a-production-secret-key-of-at-least-32-chars';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'blog-config-test-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The ConfigError thrown by loadConfig for this environment; fails the test if none is thrown. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ DATA_DIR: dataDir, SECRET_KEY: LONG_SECRET, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('defaults', () => {
  it('serves on 127.0.0.1:8000 with PGlite in DATA_DIR/pglite and the documented settings', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(8000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(dataDir);
    expect(config.database).toEqual({
      kind: 'pglite',
      dataDir: path.join(dataDir, 'pglite'),
      migrateOnStart: true,
    });
    expect(config.postsPerPage).toBe(10);
    expect(config.maxUploadSizeBytes).toBe(5_242_880);
    expect(config.rateLimits).not.toBe(false);
    expect(config.rateLimits).toMatchObject({
      login: { max: 10, windowMs: 60_000 },
      loginFailures: { max: 5, windowMs: 15 * 60_000 },
      register: { max: 20, windowMs: 60 * 60_000 },
      forgotPassword: { max: 5, windowMs: 60 * 60_000 },
      resetPassword: { max: 10, windowMs: 15 * 60_000 },
    });
    expect(config.trustProxy).toBe(false);
    expect(config.production).toBe(false);
    expect(config.frontendUrl).toBe('http://localhost:8000');
    expect(config.resetTokenExpireMinutes).toBe(60);
    expect(config.jwt.algorithm).toBe('HS256');
    expect(config.jwt.expireMinutes).toBe(30);
    expect(config.s3).toBeUndefined();
    expect(config.mail.smtp).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('generates the secret key once, in DATA_DIR/secret.key with mode 0600, and reads it back', async () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, 'secret.key');
    expect(first.jwt.secretKey.length).toBeGreaterThanOrEqual(32);
    expect((await readFile(file, 'utf8')).trim()).toBe(first.jwt.secretKey);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.jwt.secretKey).toBe(first.jwt.secretKey);

    // A different data folder gets a different key.
    const otherDir = await mkdtemp(path.join(tmpdir(), 'blog-config-test-'));
    try {
      expect(loadConfig({ DATA_DIR: otherDir }).jwt.secretKey).not.toBe(first.jwt.secretKey);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('uses SECRET_KEY when set and writes no key file', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: LONG_SECRET });
    expect(config.jwt.secretKey).toBe(LONG_SECRET);
    await expect(stat(path.join(dataDir, 'secret.key'))).rejects.toThrow();
  });

  it('opens the embedded database in a DATA_DIR that does not exist yet, with SECRET_KEY set', async () => {
    const config = loadConfig({ DATA_DIR: path.join(dataDir, 'new', 'folder'), SECRET_KEY: LONG_SECRET });
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const connection = await openDatabase(config.database, silent);
    try {
      await expect(connection.ping()).resolves.toBeUndefined();
    } finally {
      await connection.close();
    }
    expect((await stat(path.join(dataDir, 'new', 'folder', 'pglite'))).isDirectory()).toBe(true);
  });
});

describe('DATABASE_URL', () => {
  it('memory:// gives an in-memory PGlite', () => {
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'memory://' });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: undefined, migrateOnStart: true });
  });

  it('a postgres:// URL gives a PostgreSQL server', () => {
    const url = 'postgres://blog:pw@db.example.com:5432/blog';
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url });
    expect(config.database).toMatchObject({ kind: 'postgres', url, poolMax: 10, migrateOnStart: true });
    expect(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgresql://localhost/blog' }).database.kind).toBe(
      'postgres',
    );
  });

  it('DATABASE_REPLICA_URL lists the read replicas; DATABASE_PREPARED_STATEMENTS=false keeps statements unnamed', () => {
    const url = 'postgres://blog@primary/blog';
    expect(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url }).database).toMatchObject({
      replicaUrls: [],
      namedStatements: true,
    });
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: url,
      DATABASE_REPLICA_URL: 'postgres://blog@replica1/blog, postgres://blog@replica2:6432/blog',
      DATABASE_PREPARED_STATEMENTS: 'false',
    });
    expect(config.database).toMatchObject({
      replicaUrls: ['postgres://blog@replica1/blog', 'postgres://blog@replica2:6432/blog'],
      namedStatements: false,
    });
  });
});

describe('DATABASE_PLANNER_SETTINGS', () => {
  const url = 'postgres://blog@primary/blog';
  it('sends the planner settings as startup options, after those of PGOPTIONS, unless turned off', () => {
    expect(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url }).database).toMatchObject({
      startupOptions: '-c random_page_cost=1.1',
    });
    expect(
      loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, PGOPTIONS: '-c statement_timeout=5s' }).database,
    ).toMatchObject({ startupOptions: '-c statement_timeout=5s -c random_page_cost=1.1' });
    expect(
      loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, DATABASE_PLANNER_SETTINGS: 'false' }).database,
    ).toMatchObject({ startupOptions: undefined });
  });
});

describe('production', () => {
  const production = {
    NODE_ENV: 'production',
    FRONTEND_URL: 'https://blog.example.com',
    SECRET_KEY: LONG_SECRET,
  };

  it('starts with an explicit long SECRET_KEY and FRONTEND_URL', () => {
    const config = loadConfig({ DATA_DIR: dataDir, ...production });
    expect(config.production).toBe(true);
    expect(config.jwt.secretKey).toBe(LONG_SECRET);
    expect(config.frontendUrl).toBe('https://blog.example.com');
  });

  it('refuses to start without SECRET_KEY', async () => {
    let thrown: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', FRONTEND_URL: 'https://blog.example.com' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain('SECRET_KEY');
    // It does not fall back to a generated key.
    await expect(stat(path.join(dataDir, 'secret.key'))).rejects.toThrow();
  });

  it('refuses a SECRET_KEY shorter than 32 characters', () => {
    expect(configError({ ...production, SECRET_KEY: 'x'.repeat(31) }).message).toContain('SECRET_KEY');
    expect(loadConfig({ DATA_DIR: dataDir, ...production, SECRET_KEY: 'x'.repeat(32) }).jwt.secretKey).toBe(
      'x'.repeat(32),
    );
  });

  it('refuses to start without FRONTEND_URL', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', SECRET_KEY: LONG_SECRET })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', SECRET_KEY: LONG_SECRET })).toThrow(
      /FRONTEND_URL/,
    );
  });
});

describe('bad values stop the start with an error naming the variable', () => {
  const cases: [string, Record<string, string>][] = [
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['RATE_LIMIT', { RATE_LIMIT: 'maybe' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'nonsense' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/8, nonsense' }],
    ['RATE_LIMIT_LOGIN', { RATE_LIMIT_LOGIN: 'ten' }],
    ['POSTS_PER_PAGE', { POSTS_PER_PAGE: 'many' }],
    ['FRONTEND_URL', { FRONTEND_URL: 'not a url' }],
    ['DATABASE_REPLICA_URL', { DATABASE_REPLICA_URL: 'postgres://replica/blog' }],
    ['DATABASE_REPLICA_URL', { DATABASE_URL: 'postgres://p/b', DATABASE_REPLICA_URL: 'postgres://r/b,nope' }],
    [
      'DATABASE_PREPARED_STATEMENTS',
      { DATABASE_URL: 'postgres://p/b', DATABASE_PREPARED_STATEMENTS: 'sometimes' },
    ],
  ];
  for (const [variable, env] of cases) {
    it(`${variable}=${Object.values(env)[0]}`, () => {
      const error = configError(env);
      expect(error.message).toContain(variable);
      // One clear line.
      expect(error.message).not.toContain('\n');
    });
  }
});

describe('switches', () => {
  it('RATE_LIMIT=false turns every rate limit off', () => {
    expect(loadConfig({ DATA_DIR: dataDir, RATE_LIMIT: 'false' }).rateLimits).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir, RATE_LIMIT: 'true' }).rateLimits).not.toBe(false);
  });

  it('RATE_LIMIT_LOGIN sets the login rate', () => {
    const config = loadConfig({ DATA_DIR: dataDir, RATE_LIMIT_LOGIN: '3/30s' });
    expect(config.rateLimits && config.rateLimits.login).toEqual({ max: 3, windowMs: 30_000 });
  });

  it('TRUST_PROXY takes a hop count or a list of addresses and ranges', () => {
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('PORT and HOST are read', () => {
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '8080', HOST: '0.0.0.0' });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
  });
});
