import fp from 'fastify-plugin';
import { asset } from '../platform/web/assets.js';
import { FollowsRepository } from './follows.repository.js';
import followsPages, { FOLLOWING_TAB } from './follows.pages.js';
import followsRoutes from './follows.routes.js';
import { FollowsService } from './follows.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    followsService: FollowsService;
  }
}

/** Following people, the personal feed (`/api/feed`) and the home page's Following tab. */
export default fp(
  async function followsFeature(app) {
    app.decorate(
      'followsService',
      new FollowsService(new FollowsRepository(app.database), app.usersService, app.postsService),
    );
    app.describeApiTag('follows', 'Following people and the personal feed');
    // The user page's Follow button (it acts only on a page that has one).
    app.siteLayout.addToEveryPage(<script type="module" src={asset('js/follows/follow-button.js')}></script>);
    app.homePage.addTab(FOLLOWING_TAB);
    await app.register(followsRoutes, { prefix: '/api' });
    await app.register(followsPages);
  },
  { name: 'follows', dependencies: ['users', 'auth', 'posts'] },
);
