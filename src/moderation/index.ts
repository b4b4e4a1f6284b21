import fp from 'fastify-plugin';
import { ModerationRepository } from './moderation.repository.js';
import moderationRoutes from './moderation.routes.js';
import { ModerationService } from './moderation.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    moderationService: ModerationService;
  }
}

/**
 * Roles and moderation: the admin API (`/api/admin`), the moderation log, and what posts and comments
 * use to record their moderators' removals.
 */
export default fp(
  async function moderation(app) {
    app.decorate(
      'moderationService',
      new ModerationService(app.database.db, new ModerationRepository(app.database.db), app.usersService),
    );
    app.describeApiTag('admin', 'Roles, suspensions and the moderation log (admins)');
    await app.register(moderationRoutes, { prefix: '/api/admin' });
  },
  { name: 'moderation', dependencies: ['users', 'auth'] },
);
