import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { plannerOptions } from './database/planner.js';

/**
 * Settings, read from the environment once at start. Nothing else in the code reads `process.env`.
 * A bad value throws a ConfigError whose message names the variable, so the start stops with one line.
 */
export interface Config {
  production: boolean;
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  jwt: { secretKey: string; algorithm: JwtAlgorithm; expireMinutes: number };
  s3: S3Config | undefined;
  mail: MailConfig;
  frontendUrl: string;
  /** The site's identity: the navbar, page titles, the home page's header, feeds and the manifest. */
  site: { name: string; description: string };
  postsPerPage: number;
  /** The text search configuration of PostgreSQL that stems words (`english`, `simple`, `french`...). */
  searchLanguage: string;
  maxUploadSizeBytes: number;
  /** Images are made in a child process (the default), or in the server's own. */
  imageWorker: boolean;
  resetTokenExpireMinutes: number;
  trustProxy: boolean | number | string[];
  redisUrl: string | undefined;
  metricsEnabled: boolean;
  rateLimits: RateLimits | false;
  /**
   * The origins whose browser pages may call the RealWorld API (`/conduit/api`) across origins: `*` for
   * any, or a list of exact origins (scheme, host and port). Only that API answers CORS.
   */
  realworldCorsOrigins: '*' | string[];
  logLevel: string;
}

export type DatabaseConfig =
  | {
      kind: 'postgres';
      url: string;
      poolMax: number;
      migrateOnStart: boolean;
      /** Read replicas for the reads that may be a moment old; empty without DATABASE_REPLICA_URL. */
      replicaUrls: string[];
      /** Off behind a pooler in transaction mode (PgBouncer before 1.21): statements stay unnamed. */
      namedStatements: boolean;
      /** Sent when each session starts (database/planner.ts); undefined behind a pooler that refuses them. */
      startupOptions: string | undefined;
    }
  | {
      kind: 'pglite';
      /** Undefined: in memory. */
      dataDir: string | undefined;
      migrateOnStart: boolean;
      /**
       * A dump of a data directory (PGlite's `dumpDataDir`) that an in-memory database starts from instead
       * of an empty one. Not read from the environment: the tests start each app from one migrated dump,
       * which takes a third of the time of a fresh database.
       */
      startFrom?: Blob;
    };

export interface S3Config {
  bucket: string;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  endpointUrl: string | undefined;
  publicUrl: string | undefined;
}

export interface MailConfig {
  from: string;
  /** Unset means the embedded outbox: each message becomes an .eml file under `DATA_DIR/outbox`. */
  smtp:
    | {
        host: string;
        port: number;
        username: string | undefined;
        password: string | undefined;
        useTls: boolean;
      }
    | undefined;
}

export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface RateLimits {
  login: RateLimit;
  loginFailures: RateLimit;
  register: RateLimit;
  forgotPassword: RateLimit;
  resetPassword: RateLimit;
}

export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const MINUTE = 60_000;

// Addresses a browser on this machine reaches as `localhost`.
const LOCAL_HOSTS = new Set(['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost']);

/**
 * The address the server listens on, as a link base: the default of FRONTEND_URL outside production,
 * so that links in mails, feeds and sitemaps point at this server whatever HOST and PORT are.
 */
export function listenUrl(host: string, port: number): string {
  const name = LOCAL_HOSTS.has(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export function loadConfig(env: Env = process.env): Config {
  const read = reader(env);
  const production = env.NODE_ENV === 'production';
  const dataDir = path.resolve(read.string('DATA_DIR') ?? './data');

  if (production) {
    const secret = read.string('SECRET_KEY');
    if (secret === undefined) throw new ConfigError('SECRET_KEY is required when NODE_ENV=production');
    if (secret.length < 32) throw new ConfigError('SECRET_KEY must be at least 32 characters long');
    if (read.string('FRONTEND_URL') === undefined) {
      throw new ConfigError('FRONTEND_URL is required when NODE_ENV=production');
    }
  }

  const rateLimitsOn = read.boolean('RATE_LIMIT', true);
  const bucket = read.string('S3_BUCKET_NAME');
  const mailServer = read.string('MAIL_SERVER');

  const host = read.string('HOST') ?? '127.0.0.1';
  const port = read.integer('PORT', 8000, { min: 0, max: 65535 });

  return {
    production,
    host,
    port,
    dataDir,
    database: readDatabase(read, dataDir),
    jwt: {
      secretKey: read.string('SECRET_KEY') ?? persistentSecretKey(dataDir),
      algorithm: read.oneOf('ALGORITHM', ['HS256', 'HS384', 'HS512'] as const, 'HS256'),
      expireMinutes: read.integer('ACCESS_TOKEN_EXPIRE_MINUTES', 30, { min: 1 }),
    },
    s3:
      bucket === undefined
        ? undefined
        : {
            bucket,
            region: read.string('S3_REGION') ?? 'us-east-1',
            accessKeyId: read.string('S3_ACCESS_KEY_ID'),
            secretAccessKey: read.string('S3_SECRET_ACCESS_KEY'),
            endpointUrl: read.url('S3_ENDPOINT_URL', ['http:', 'https:']),
            publicUrl: read.url('S3_PUBLIC_URL', ['http:', 'https:']),
          },
    mail: {
      from: read.string('MAIL_FROM') ?? 'noreply@example.com',
      smtp:
        mailServer === undefined
          ? undefined
          : {
              host: mailServer,
              port: read.integer('MAIL_PORT', 587, { min: 1, max: 65535 }),
              username: read.string('MAIL_USERNAME'),
              password: read.string('MAIL_PASSWORD'),
              useTls: read.boolean('MAIL_USE_TLS', false),
            },
    },
    frontendUrl: (read.url('FRONTEND_URL', ['http:', 'https:']) ?? listenUrl(host, port)).replace(/\/+$/, ''),
    site: {
      name: read.string('SITE_NAME') ?? 'Blog',
      description: read.string('SITE_DESCRIPTION') ?? 'Stories, notes and ideas from our writers.',
    },
    postsPerPage: read.integer('POSTS_PER_PAGE', 10, { min: 1, max: 100 }),
    searchLanguage: readSearchLanguage(read.string('SEARCH_LANGUAGE')),
    maxUploadSizeBytes: read.integer('MAX_UPLOAD_SIZE_BYTES', 5 * 1024 * 1024, { min: 1024 }),
    imageWorker: read.boolean('IMAGE_WORKER', true),
    resetTokenExpireMinutes: read.integer('RESET_TOKEN_EXPIRE_MINUTES', 60, { min: 1 }),
    trustProxy: readTrustProxy(read.string('TRUST_PROXY')),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    metricsEnabled: read.boolean('METRICS_ENABLED', false),
    rateLimits: rateLimitsOn
      ? {
          login: read.rate('RATE_LIMIT_LOGIN', { max: 10, windowMs: MINUTE }),
          loginFailures: read.rate('RATE_LIMIT_LOGIN_FAILURES', { max: 5, windowMs: 15 * MINUTE }),
          register: read.rate('RATE_LIMIT_REGISTER', { max: 20, windowMs: 60 * MINUTE }),
          forgotPassword: read.rate('RATE_LIMIT_FORGOT_PASSWORD', { max: 5, windowMs: 60 * MINUTE }),
          resetPassword: read.rate('RATE_LIMIT_RESET_PASSWORD', { max: 10, windowMs: 15 * MINUTE }),
        }
      : false,
    realworldCorsOrigins: readCorsOrigins(read.string('REALWORLD_CORS_ORIGINS'), production),
    logLevel: read.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
  };
}

/**
 * `*`, or a comma-separated list of origins such as `https://app.example.com,http://localhost:4200`.
 * Unset: any origin in development (a front end on its own dev server), none in production.
 */
function readCorsOrigins(value: string | undefined, production: boolean): Config['realworldCorsOrigins'] {
  if (value === undefined) return production ? [] : '*';
  if (value.trim() === '*') return '*';
  const origins = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `REALWORLD_CORS_ORIGINS: "${origin}" is not an origin such as https://app.example.com (or use *)`,
      );
    }
  }
  return origins;
}

/** A name of a text search configuration: checked against the database at start (src/search). */
function readSearchLanguage(value: string | undefined): string {
  if (value === undefined) return 'english';
  if (!/^[a-z_]{1,63}$/.test(value)) {
    throw new ConfigError('SEARCH_LANGUAGE must name a text search configuration, such as english or simple');
  }
  return value;
}

function readDatabase(read: ReturnType<typeof reader>, dataDir: string): DatabaseConfig {
  const migrateOnStart = read.boolean('MIGRATE_ON_START', true);
  const url = read.string('DATABASE_URL');
  const embedded = (dataDirectory: string | undefined) => {
    if (read.string('DATABASE_REPLICA_URL') !== undefined) {
      throw new ConfigError('DATABASE_REPLICA_URL needs DATABASE_URL: the embedded database has no replicas');
    }
    return { kind: 'pglite' as const, dataDir: dataDirectory, migrateOnStart };
  };
  if (url === undefined) return embedded(path.join(dataDir, 'pglite'));
  if (url === 'memory://') return embedded(undefined);
  read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  return {
    kind: 'postgres',
    url,
    poolMax: read.integer('DATABASE_POOL_MAX', 10, { min: 1, max: 1000 }),
    migrateOnStart,
    replicaUrls: read.urlList('DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']),
    namedStatements: read.boolean('DATABASE_PREPARED_STATEMENTS', true),
    // node-postgres sends PGOPTIONS only when it is given no options of its own: keep them too.
    startupOptions: read.boolean('DATABASE_PLANNER_SETTINGS', true)
      ? [read.string('PGOPTIONS'), plannerOptions].filter(Boolean).join(' ')
      : undefined,
  };
}

/**
 * `false` (the default) believes no proxy; a number believes that many hops; otherwise a comma-separated
 * list of addresses or CIDR ranges. `true` ("everyone") is accepted only when written out explicitly.
 */
function readTrustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    if (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new ConfigError(
        `TRUST_PROXY: "${entry}" is not an IP address or CIDR range (or use false, true, or a hop count)`,
      );
    }
  }
  return entries;
}

/** The embedded mode's signing key: made once, then kept in the data folder so tokens survive a restart. */
function persistentSecretKey(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 32) return key;
    throw new ConfigError(`${file} holds a key shorter than 32 characters; delete it or set SECRET_KEY`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(48).toString('base64url');
  writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: MINUTE, h: 60 * MINUTE };

function reader(env: Env) {
  const string = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    string,
    integer(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
      const raw = string(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      const { min = -Infinity, max = Infinity } = range;
      if (!/^-?\d+$/.test(raw) || value < min || value > max) {
        const bounds = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
        throw new ConfigError(`${name} must be a whole number ${bounds}, got "${raw}"`);
      }
      return value;
    },
    boolean(name: string, fallback: boolean): boolean {
      const raw = string(name)?.toLowerCase();
      if (raw === undefined) return fallback;
      if (['true', '1', 'yes', 'on'].includes(raw)) return true;
      if (['false', '0', 'no', 'off'].includes(raw)) return false;
      throw new ConfigError(`${name} must be true or false, got "${raw}"`);
    },
    oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
      const raw = string(name);
      if (raw === undefined) return fallback;
      const match = choices.find((choice) => choice.toLowerCase() === raw.toLowerCase());
      if (match === undefined)
        throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
      return match;
    },
    url(name: string, protocols: string[]): string | undefined {
      const raw = string(name);
      if (raw === undefined) return undefined;
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new ConfigError(`${name} is not a valid URL`);
      }
      if (!protocols.includes(parsed.protocol)) {
        throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')}`);
      }
      return raw;
    },
    /** A comma-separated list of URLs; empty when unset. */
    urlList(name: string, protocols: string[]): string[] {
      const raw = string(name);
      if (raw === undefined) return [];
      return raw.split(',').map((entry, index) => {
        const item = `${name} (entry ${index + 1})`;
        let parsed: URL;
        try {
          parsed = new URL(entry.trim());
        } catch {
          throw new ConfigError(`${item} is not a valid URL`);
        }
        if (!protocols.includes(parsed.protocol)) {
          throw new ConfigError(`${item} must start with ${protocols.map((p) => p + '//').join(' or ')}`);
        }
        return entry.trim();
      });
    },
    /** A rate written as `<count>/<window>`, such as `10/1m`, `5/15m` or `20/1h`. */
    rate(name: string, fallback: RateLimit): RateLimit {
      const raw = string(name);
      if (raw === undefined) return fallback;
      const match = /^(\d+)\/(\d+)([smh])$/.exec(raw);
      const [, max, amount, unit] = match ?? [];
      if (
        max === undefined ||
        amount === undefined ||
        unit === undefined ||
        Number(max) < 1 ||
        Number(amount) < 1
      ) {
        throw new ConfigError(`${name} must look like 10/1m (count per window in s, m or h), got "${raw}"`);
      }
      return { max: Number(max), windowMs: Number(amount) * (DURATION_UNITS[unit] ?? 0) };
    },
  };
}
