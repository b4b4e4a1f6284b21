import fp from 'fastify-plugin';
import { asset } from '../platform/web/assets.js';
import moderationPages from './moderation.pages.js';
import { ModerationRepository } from './moderation.repository.js';
import moderationRoutes from './moderation.routes.js';
import { ModerationService } from './moderation.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    moderationService: ModerationService;
  }
}

/**
 * Roles and moderation: the admin API (`/api/admin`) and the `/admin` page, the moderation log, and
 * what posts and comments use to record their moderators' removals.
 */
export default fp(
  async function moderation(app) {
    app.decorate(
      'moderationService',
      new ModerationService(app.database.db, new ModerationRepository(app.database.db), app.usersService),
    );
    app.describeApiTag('admin', 'Roles, suspensions and the moderation log (admins)');
    // Shown to admins only, by js/moderation/admin-link.
    app.siteLayout.addSignedInNav(
      <a class="nav-link" href="/admin" id="navAdmin" hidden>
        Admin
      </a>,
    );
    app.siteLayout.addToEveryPage(<script type="module" src={asset('js/moderation/admin-link.js')}></script>);
    await app.register(moderationRoutes, { prefix: '/api/admin' });
    await app.register(moderationPages);
  },
  { name: 'moderation', dependencies: ['users', 'auth'] },
);
