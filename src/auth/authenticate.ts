import { httpErrors } from '@fastify/sensible';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { User } from '../db/schema.js';
import type { UsersService } from '../users/users.service.js';
import type { AccessTokens } from './tokens.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** `onRequest` hook of every route that needs a signed-in user: it runs before the body is read. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    /** The signed-in user; set by `authenticate`, so only routes that use it may read it. */
    user: User;
  }
}

function unauthorized(detail: string) {
  return Object.assign(httpErrors.unauthorized(detail), { headers: { 'www-authenticate': 'Bearer' } });
}

export default fp(
  async function authenticate(app: FastifyInstance, options: { tokens: AccessTokens; users: UsersService }) {
    app.decorateRequest('user', null as unknown as User);

    app.decorate('authenticate', async function (request: FastifyRequest) {
      const [scheme, token] = (request.headers.authorization ?? '').split(' ', 2);
      if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthorized('Not authenticated');
      const subject = await options.tokens.verify(token);
      if (!subject) throw unauthorized('Invalid authentication credentials.');
      const user = await options.users.findById(subject.id);
      if (!user) throw unauthorized('User not found.');
      // A password change or reset bumps the version, which revokes every token issued before it.
      if (user.tokenVersion !== subject.tokenVersion)
        throw unauthorized('Invalid authentication credentials.');
      request.user = user;
    });
  },
  { name: 'authenticate' },
);
