import sensible from '@fastify/sensible';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { Counters } from './database/counters.js';
import { openDatabase, type DatabaseConnection } from './database/database.js';
import access from './http/access.js';
import bodyParsers from './http/body-parsers.js';
import contentTypes from './http/content-types.js';
import errorHandling from './http/errors.js';
import health from './http/health.js';
import lingeringClose from './http/lingering-close.js';
import openApi, { type ApiDocument } from './http/openapi.js';
import pageCache from './http/page-cache.js';
import rateLimits from './http/rate-limit.js';
import readYourWrites from './http/read-your-writes.js';
import securityHeaders from './http/security-headers.js';
import staticFiles from './http/static-files.js';
import { childProcessImages, inProcessImages, type Images } from './images/images.js';
import { JobQueue } from './jobs/job-queue.js';
import { createMailer } from './mail/create-mailer.js';
import type { Mailer } from './mail/mailer.js';
import { createStorage } from './storage/create-storage.js';
import { LocalDiskStorage } from './storage/local-disk-storage.js';
import type { Storage } from './storage/storage.js';
import web from './web/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: DatabaseConnection;
    counters: Counters;
    storage: Storage;
    mailer: Mailer;
    /** Makes images from uploads (platform/images). */
    images: Images;
    jobs: JobQueue;
    /** Shared store of several instances (rate limits), when REDIS_URL is set. */
    redis: Redis | undefined;
  }
}

export interface PlatformOptions {
  config: Config;
  /** Replaces the mailer chosen by the configuration (tests capture mail this way). */
  mailer?: Mailer;
  storage?: Storage;
  /** Whether the job worker polls on its own; tests run due jobs themselves with `app.jobs.runDue()`. */
  runJobs?: boolean;
  /** API documents of other faces of the app, listed beside ours in `/docs` (src/app.ts names them). */
  apiDocuments?: ApiDocument[];
}

export interface Connections {
  database: DatabaseConnection;
  storage: Storage;
  mailer: Mailer;
}

/**
 * Opens what the platform plugin needs before it is registered: opening the database may wait for
 * another instance's migrations (under their lock), longer than a plugin may take to load.
 */
export async function connect(options: PlatformOptions, log: FastifyInstance['log']): Promise<Connections> {
  const { config } = options;
  const database = await openDatabase(config.database, log);
  const storage = options.storage ?? (await createStorage(config.s3, config.dataDir));
  const mailer = options.mailer ?? createMailer(config.mail, config.dataDir);
  return { database, storage, mailer };
}

/**
 * Everything features stand on, and nothing of any feature: the database, storage, mail and jobs as
 * decorators, and the HTTP plugins every route goes through, in the order they must apply.
 */
export default fp(
  async function platform(app: FastifyInstance, options: PlatformOptions & Connections) {
    const { config, database, storage, mailer } = options;
    const jobs = new JobQueue(database.db, app.log);
    // ioredis and prom-client are loaded only when configured: unused, they were a fifth of the modules.
    const redis = config.redisUrl
      ? (await import('./http/redis.js')).createRedis(config.redisUrl)
      : undefined;
    redis?.on('error', (error) => app.log.warn({ err: error }, 'redis connection error'));

    app.decorate('config', config);
    app.decorate('database', database);
    app.decorate('counters', new Counters(database));
    app.decorate('storage', storage);
    app.decorate('mailer', mailer);
    const images = config.imageWorker ? childProcessImages() : inProcessImages;
    app.decorate('images', images);
    app.decorate('jobs', jobs);
    app.decorate('redis', redis);

    app.addHook('onReady', async () => {
      if (options.runJobs ?? true) jobs.start();
    });
    app.addHook('onClose', async () => {
      await jobs.stop();
      mailer.close();
      images.close();
      storage.close?.();
      redis?.disconnect();
      await database.close();
    });

    await app.register(securityHeaders, { imageOrigins: imageOrigins(config) });
    await app.register(lingeringClose);
    // Before every other hook: the request's reads are routed from its start (replicas only).
    await app.register(readYourWrites, { router: database.router });
    await app.register(sensible);
    await app.register(staticFiles, {
      mediaFolder: storage instanceof LocalDiskStorage ? storage.root : undefined,
    });
    await app.register(web, { site: config.site });
    await app.register(errorHandling);
    await app.register(bodyParsers);
    await app.register(contentTypes);
    await app.register(openApi, { documents: options.apiDocuments ?? [] });
    if (config.metricsEnabled) {
      await app.register(import('./http/metrics.js'), {
        poolStats: database.poolStats,
        readsServed: database.router.served,
      });
    }
    if (config.rateLimits) await app.register(rateLimits, { redis });
    await app.register(access);
    await app.register(pageCache, { counters: app.counters });
    await app.register(health);
  },
  { name: 'platform' },
);

/** Origins that pictures are loaded from, for the Content-Security-Policy. */
function imageOrigins(config: Config): string[] {
  const base = config.s3?.publicUrl ?? config.s3?.endpointUrl;
  if (base) return [new URL(base).origin];
  if (config.s3) return [`https://${config.s3.bucket}.s3.${config.s3.region}.amazonaws.com`];
  return [];
}
