import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../platform/config.js';
import { mediaType } from '../platform/http/content-types.js';
import type { ApiDocument } from '../platform/http/openapi.js';
import articlesRoutes from './articles.routes.js';
import { useRealWorldErrors } from './realworld.errors.js';
import { realWorldDocument } from './realworld.openapi.js';
import { realWorldViews } from './realworld.views.js';
import usersRoutes from './users.routes.js';

export const REALWORLD_PREFIX = '/conduit/api';

/** Listed beside the blog's own document in `/docs` (src/app.ts hands it to the platform). */
export const realWorldApiDocument: ApiDocument = {
  name: 'RealWorld (Conduit) API',
  url: `${REALWORLD_PREFIX}/openapi.json`,
};

const JSON_ONLY = 'Content type should be application/json';

/**
 * Cross-origin reads and writes from the browser front ends the setting allows (REALWORLD_CORS_ORIGINS):
 * tokens travel in a header, never in cookies, so no credentials mode is needed.
 */
function allowOrigins(app: FastifyInstance, origins: Config['realworldCorsOrigins']): void {
  if (origins !== '*' && origins.length === 0) return;
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (origins !== '*') reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (origins === '*') reply.header('access-control-allow-origin', '*');
    else if (origins.includes(origin)) reply.header('access-control-allow-origin', origin);
    else return;
    reply.header('access-control-expose-headers', 'ETag, Retry-After');
  });
  // The preflight of a request with a token or a JSON body.
  app.options('/*', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
      .header('access-control-allow-headers', 'Authorization, Content-Type, X-Requested-With')
      .header('access-control-max-age', '600')
      .code(204)
      .send(),
  );
}

/**
 * The RealWorld ("Conduit") API at `/conduit/api` (SPEC section 16): a second face over the services of
 * users, auth, posts, comments, tags and follows. It has no SQL and no rule of its own; it renames, and
 * answers errors in RealWorld's shape. Access levels, rate limits and suspensions are the platform's and
 * the services', so they apply here exactly as under `/api`.
 */
export default fp(
  async function realWorld(app) {
    const views = realWorldViews(app);
    await app.register(
      async function realWorldApi(api) {
        useRealWorldErrors(api);
        allowOrigins(api, app.config.realworldCorsOrigins);

        // RealWorld clients send `Content-Type: application/json` on every request, a favorite's or an
        // unfollow's without a body: an empty body is no body here, as JSON is read everywhere else.
        const parseJson = api.getDefaultJsonParser('error', 'error');
        api.removeContentTypeParser('application/json');
        api.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
          if (body === '') return done(null, undefined);
          void parseJson(request, body as string, done);
        });

        // Bodies are JSON only: a plain cross-site form cannot post here without a preflight.
        api.addHook('onRequest', async (request, reply) => {
          const header = request.headers['content-type'];
          if (header === undefined || request.method === 'GET' || request.method === 'OPTIONS') return;
          const type = mediaType(header);
          if (type === 'application/json' || type.endsWith('+json')) return;
          return reply
            .code(422)
            .type('application/json; charset=utf-8')
            .send(JSON.stringify({ errors: { body: [JSON_ONLY] } }));
        });

        const routes: RouteOptions[] = [];
        api.addHook('onRoute', (route) => void routes.push(route));
        let document: ReturnType<typeof realWorldDocument> | undefined;
        api.get(
          '/openapi.json',
          { schema: { hide: true } },
          async () => (document ??= realWorldDocument(routes)),
        );

        await api.register(usersRoutes(views));
        await api.register(articlesRoutes(views));
      },
      { prefix: REALWORLD_PREFIX },
    );
  },
  { name: 'realworld', dependencies: ['users', 'auth', 'posts', 'comments', 'tags', 'follows'] },
);
