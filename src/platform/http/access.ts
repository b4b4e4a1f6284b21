import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from './schemas.js';

/**
 * Who may call a route, declared by the route (`config: { access }`) and enforced here:
 * - `public`: anyone (the default);
 * - `optional-auth`: anyone, and a caller who sends a token is signed in (a bad token is a 401): the
 *   answer may show them more (their own draft), so it is theirs alone, never a shared cache's;
 * - `signed-in`: any signed-in user (their own things: liking, writing a post);
 * - `owner`: a signed-in user who owns the resource named in the path (the service checks which
 *   resource: 403 for anyone else);
 * - `moderator`, `admin`: a signed-in user with that role or a higher one.
 *
 * Every route but a public one gets the authentication hook (before the body is read), the 401 answer
 * and the bearer security requirement in the OpenAPI document, and `x-access` there too: the security
 * tests read it to know which routes must refuse other users.
 */
export type Access = 'public' | 'optional-auth' | 'signed-in' | 'owner' | 'moderator' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /**
     * Checks the request's credentials and sets `request.user`, or throws. Provided by the feature that
     * signs users in (src/auth), and called for every route whose access is not public.
     */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Throws unless the signed-in user has at least `role`. Provided with `authenticate`. */
    requireRole: (request: FastifyRequest, role: 'moderator' | 'admin') => Promise<void>;
  }
}

/** The OpenAPI security requirement of routes that need a bearer token. */
export const bearerAuth = [{ OAuth2PasswordBearer: [] }];

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export default fp(
  async function access(app: FastifyInstance) {
    // The hooks look the authenticator up when a request comes: the feature that provides it is
    // registered after the platform, and after the features whose routes need it.
    const authenticate: Hook = (request, reply) => app.authenticate(request, reply);
    const identify: Hook = async (request, reply) => {
      if (request.headers.authorization !== undefined) await app.authenticate(request, reply);
    };
    const roleHooks: Record<'moderator' | 'admin', Hook> = {
      moderator: (request) => app.requireRole(request, 'moderator'),
      admin: (request) => app.requireRole(request, 'admin'),
    };

    let someRouteNeedsAUser = false;
    app.addHook('onRoute', (route: RouteOptions) => {
      const level = route.config?.access ?? 'public';
      if (level === 'public') return;
      someRouteNeedsAUser = true;
      const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
      const role = level === 'moderator' || level === 'admin' ? [roleHooks[level]] : [];
      route.onRequest = [level === 'optional-auth' ? identify : authenticate, ...role, ...own];
      if (route.schema && !route.schema.hide) {
        route.schema = {
          ...route.schema,
          // An empty requirement first: the token is optional.
          security: level === 'optional-auth' ? [{}, ...bearerAuth] : bearerAuth,
          'x-access': level,
          response: { ...errors(401), ...(route.schema.response as object | undefined) },
        } as typeof route.schema;
      }
    });

    app.addHook('onReady', async () => {
      if (someRouteNeedsAUser && !app.hasDecorator('authenticate')) {
        throw new Error('routes need a signed-in user, but no feature provides app.authenticate');
      }
    });
  },
  { name: 'access' },
);
