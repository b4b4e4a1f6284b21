import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../platform/errors.js';
import type { UsersService } from '../users/users.service.js';
import type { User } from '../users/users.table.js';
import type { AccessTokens } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; set by `authenticate`, so only routes whose access is not public may read it. */
    user: User;
    /**
     * The signed-in user, or null for a caller who sent no token: what `optional-auth` routes read
     * (platform/http/access.ts).
     */
    viewer: User | null;
  }
}

/**
 * Provides `app.authenticate`, which the platform calls for every route that needs a signed-in user
 * (platform/http/access.ts): a Bearer JWT whose signature, expiry and token version are good.
 */
export function provideAuthentication(app: FastifyInstance, tokens: AccessTokens, users: UsersService): void {
  app.decorateRequest('user', null as unknown as User);
  app.decorateRequest('viewer', null);

  app.decorate('authenticate', async function (request: FastifyRequest) {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ', 2);
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new UnauthenticatedError('Not authenticated');
    const subject = await tokens.verify(token);
    if (!subject) throw new UnauthenticatedError('Invalid authentication credentials.');
    const user = await users.findById(subject.id);
    if (!user) throw new UnauthenticatedError('User not found.');
    // A password change or reset bumps the version, which revokes every token issued before it.
    if (user.tokenVersion !== subject.tokenVersion)
      throw new UnauthenticatedError('Invalid authentication credentials.');
    request.user = user;
    request.viewer = user;
  });

  // Roles come with the people feature; until then no one has more than the user's rights.
  app.decorate('requireRole', async function (_request: FastifyRequest, role: 'moderator' | 'admin') {
    throw new ForbiddenError(`Only a ${role} may do this.`);
  });
}
