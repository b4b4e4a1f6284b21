import { randomUUID } from 'node:crypto';
import etag from '@fastify/etag';
import sensible from '@fastify/sensible';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import authRoutes from './auth/auth.routes.js';
import { AuthService } from './auth/auth.service.js';
import authenticate from './auth/authenticate.js';
import {
  MemoryLoginThrottle,
  RedisLoginThrottle,
  noLoginThrottle,
  type LoginThrottle,
} from './auth/login-throttle.js';
import { createAccessTokens } from './auth/tokens.js';
import type { Config } from './config.js';
import { openDatabase, type DatabaseConnection } from './db/database.js';
import healthRoutes from './health/health.routes.js';
import bodyParsers from './http/body-parsers.js';
import errorHandling, { frameworkErrors } from './http/errors.js';
import { loggerOptions } from './http/logging.js';
import openApi from './http/openapi.js';
import rateLimits from './http/rate-limit.js';
import securityHeaders from './http/security-headers.js';
import staticFiles from './http/static-files.js';
import { validatorCompiler } from './http/validation.js';
import { JobQueue } from './jobs/job-queue.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import postsRoutes from './posts/posts.routes.js';
import { PostsService } from './posts/posts.service.js';
import { LocalDiskStorage } from './storage/local-disk-storage.js';
import { createStorage, type Storage } from './storage/storage.js';
import { UserViews } from './users/user-views.js';
import usersRoutes from './users/users.routes.js';
import pagesRoutes from './web/pages.routes.js';
import siteRoutes from './web/site.routes.js';
import { pageCaching, type PageCaching } from './web/page-cache.js';
import { UsersService } from './users/users.service.js';
import { PicturesService } from './users/pictures.service.js';
import picturesRoutes from './users/pictures.routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: DatabaseConnection;
    jobs: JobQueue;
    userViews: UserViews;
    usersService: UsersService;
    postsService: PostsService;
    authService: AuthService;
    picturesService: PicturesService;
    /** ETags and the render cache, shared by the pages and the site's files. */
    pageCache: PageCaching;
  }
}

export interface AppOptions {
  config: Config;
  /** Replaces the mailer chosen by the configuration (tests capture mail this way). */
  mailer?: Mailer;
  storage?: Storage;
  /** Whether the job worker polls on its own; tests run due jobs themselves with `app.jobs.runDue()`. */
  runJobs?: boolean;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(options: AppOptions) {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.logLevel),
    trustProxy: trustedProxies(config.trustProxy),
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors,
    // Bounded waits for slow clients; generous enough for a picture upload on a poor connection.
    requestTimeout: 60_000,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  const database = await openDatabase(config.database, app.log);
  const storage = options.storage ?? (await createStorage(config.s3, config.dataDir));
  const mailer = options.mailer ?? createMailer(config.mail, config.dataDir);
  const tokens = createAccessTokens(config.jwt);
  const jobs = new JobQueue(database.db, app.log);
  const userViews = new UserViews(storage);
  const usersService = new UsersService(database.db, storage, app.log);
  // ioredis and prom-client are loaded only when configured: unused, they were a fifth of the modules.
  const redis = config.redisUrl ? (await import('./http/redis.js')).createRedis(config.redisUrl) : undefined;
  redis?.on('error', (error) => app.log.warn({ err: error }, 'redis connection error'));
  let loginThrottle: LoginThrottle = noLoginThrottle;
  if (config.rateLimits) {
    const limit = config.rateLimits.loginFailures;
    loginThrottle = redis ? new RedisLoginThrottle(redis, limit, app.log) : new MemoryLoginThrottle(limit);
  }
  const authService = new AuthService(
    database.db,
    usersService,
    tokens,
    loginThrottle,
    jobs,
    mailer,
    app.log,
    {
      frontendUrl: config.frontendUrl,
      resetTokenExpireMinutes: config.resetTokenExpireMinutes,
    },
  );

  app.decorate('config', config);
  app.decorate('database', database);
  app.decorate('jobs', jobs);
  app.decorate('userViews', userViews);
  app.decorate('usersService', usersService);
  app.decorate('postsService', new PostsService(database.db, userViews));
  app.decorate('authService', authService);
  app.decorate('picturesService', new PicturesService(database.db, storage, usersService, app.log));
  app.decorate('pageCache', pageCaching(database.db));

  app.addHook('onReady', async () => {
    if (options.runJobs ?? true) jobs.start();
  });
  app.addHook('onClose', async () => {
    await jobs.stop();
    mailer.close();
    storage.close?.();
    redis?.disconnect();
    await database.close();
  });

  await app.register(securityHeaders, { imageOrigins: imageOrigins(config) });
  await app.register(sensible);
  await app.register(errorHandling);
  await app.register(bodyParsers);
  await app.register(openApi);
  await app.register(staticFiles, {
    mediaFolder: storage instanceof LocalDiskStorage ? storage.root : undefined,
  });
  if (config.metricsEnabled) {
    await app.register(import('./http/metrics.js'), { poolStats: database.poolStats });
  }
  if (config.rateLimits) await app.register(rateLimits, { redis });
  await app.register(authenticate, { tokens, users: usersService });

  await app.register(healthRoutes);
  await app.register(
    async function api(api) {
      // Reads carry an ETag of their body, so clients and caches can revalidate with If-None-Match.
      await api.register(etag);
      await api.register(usersRoutes, { prefix: '/users' });
      await api.register(authRoutes, { prefix: '/users' });
      await api.register(picturesRoutes, { prefix: '/users' });
      await api.register(postsRoutes, { prefix: '/posts' });
    },
    { prefix: '/api' },
  );
  await app.register(pagesRoutes);
  await app.register(siteRoutes);

  return app;
}

/** A hop count means "believe the nearest n proxies", as proxy-addr counts them. */
function trustedProxies(setting: Config['trustProxy']) {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}

/** Origins that pictures are loaded from, for the Content-Security-Policy. */
function imageOrigins(config: Config): string[] {
  const base = config.s3?.publicUrl ?? config.s3?.endpointUrl;
  if (base) return [new URL(base).origin];
  if (config.s3) return [`https://${config.s3.bucket}.s3.${config.s3.region}.amazonaws.com`];
  return [];
}
