import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import auth from './auth/index.js';
import comments from './comments/index.js';
import follows from './follows/index.js';
import platform, { connect, type PlatformOptions } from './platform/index.js';
import type { Config } from './platform/config.js';
import { frameworkErrors } from './platform/http/errors.js';
import { loggerOptions } from './platform/http/logging.js';
import { lazySerializers } from './platform/http/serialization.js';
import { validatorCompiler } from './platform/http/validation.js';
import media from './media/index.js';
import moderation from './moderation/index.js';
import posts from './posts/index.js';
import realWorld, { realWorldApiDocument } from './realworld/index.js';
import search from './search/index.js';
import searchPages from './search/search.pages.js';
import site from './site/index.js';
import tags from './tags/index.js';
import tagPages from './tags/tags.pages.js';
import users from './users/index.js';

/**
 * The features, in the order they are registered: each one may use the services of those before it
 * (auth signs users in, moderators act on posts and comments, posts are written by users, comments
 * are on posts, people follow authors, the site's feeds list posts). Tags and search come before
 * posts, which keep each post's tags and words through them; their pages list posts, so they come after.
 * The RealWorld API is a second face over users, auth, posts, comments, tags and follows: after them.
 */
export const features = [
  users,
  auth,
  moderation,
  media,
  tags,
  search,
  posts,
  comments,
  follows,
  realWorld,
  tagPages,
  searchPages,
  site,
];

export interface AppOptions extends PlatformOptions {
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
    schemaController: { compilersFactory: lazySerializers() },
    // Bounded waits for slow clients; generous enough for a picture upload on a poor connection.
    requestTimeout: 60_000,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  await app.register(platform, {
    apiDocuments: [realWorldApiDocument],
    ...options,
    ...(await connect(options, app.log)),
  });
  for (const feature of features) await app.register(feature);
  return app;
}

/** A hop count means "believe the nearest n proxies", as proxy-addr counts them. */
function trustedProxies(setting: Config['trustProxy']) {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}
