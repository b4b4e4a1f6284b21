import fp from 'fastify-plugin';
import { asset } from '../platform/web/assets.js';
import postsPages, { PostFormModal } from './posts.pages.js';
import { PostsRepository } from './posts.repository.js';
import postsRoutes from './posts.routes.js';
import { PostsService } from './posts.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    postsService: PostsService;
  }
}

/** Posts and likes: `/api/posts`, a user's posts, the feed, post and user pages, and New Post. */
export default fp(
  async function posts(app) {
    app.decorate(
      'postsService',
      new PostsService(new PostsRepository(app.database.db), app.usersService, app.counters),
    );
    app.describeApiTag('posts', 'Posts and likes');

    // New Post is a dialog of every page, opened from the navbar.
    app.siteLayout.addSignedInNav(
      <button type="button" class="btn btn-link nav-link" data-action="new-post">
        New Post
      </button>,
    );
    app.siteLayout.addToEveryPage(
      <>
        <PostFormModal id="newPostModal" title="New Post" submitLabel="Publish" />
        <script type="module" src={asset('js/posts/new-post.js')}></script>
      </>,
    );

    await app.register(postsRoutes, { prefix: '/api' });
    await app.register(postsPages);
  },
  { name: 'posts', dependencies: ['users', 'auth'] },
);
