import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../platform/errors.js';
import { hasRole } from '../users/roles.js';
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

const TOKEN_SCHEMES = new Set(['bearer', 'token']);

/**
 * Provides `app.authenticate`, which the platform calls for every route that needs a signed-in user
 * (platform/http/access.ts): a JWT whose signature, expiry and token version are good, sent as
 * `Authorization: Bearer <jwt>` or as `Token <jwt>`, the scheme RealWorld clients use (src/realworld).
 */
export function provideAuthentication(app: FastifyInstance, tokens: AccessTokens, users: UsersService): void {
  app.decorateRequest('user', null as unknown as User);
  app.decorateRequest('viewer', null);

  app.decorate('authenticate', async function (request: FastifyRequest) {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ', 2);
    if (!TOKEN_SCHEMES.has(scheme?.toLowerCase() ?? '') || !token)
      throw new UnauthenticatedError('Not authenticated');
    const subject = await tokens.verify(token);
    if (!subject) throw new UnauthenticatedError('Invalid authentication credentials.');
    const user = await users.findById(subject.id);
    if (!user) throw new UnauthenticatedError('User not found.');
    // A password change, a reset or a suspension bumps the version, which revokes every token issued
    // before it; the version is read from the database, so every instance sees it at the next request.
    if (user.tokenVersion !== subject.tokenVersion || user.suspended)
      throw new UnauthenticatedError('Invalid authentication credentials.');
    request.user = user;
    request.viewer = user;
  });

  // Runs after `authenticate`, on the role read with the user of this very request.
  app.decorate('requireRole', async function (request: FastifyRequest, role: 'moderator' | 'admin') {
    if (!hasRole(request.user, role)) {
      throw new ForbiddenError(
        role === 'admin' ? 'Only an admin may do this.' : 'Only a moderator may do this.',
      );
    }
  });
}
