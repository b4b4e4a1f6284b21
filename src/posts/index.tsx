import fp from 'fastify-plugin';
import { asset } from '../platform/web/assets.js';
import { createMarkdownRenderer } from './markdown.js';
import postsPages, { PostFormModal, type PostSection } from './posts.pages.js';
import { PostsRepository } from './posts.repository.js';
import postsRoutes from './posts.routes.js';
import { PostsService } from './posts.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    postsService: PostsService;
    /** What other features show on a post's page, below the post (comments, say). */
    postPage: { addSection(section: PostSection): void };
  }
}

/** Posts and likes: `/api/posts`, a user's posts, the feed, post and user pages, and New Post. */
export default fp(
  async function posts(app) {
    const renderer = createMarkdownRenderer({ ownMediaPrefix: app.mediaService.publicPrefix });
    const postsService = new PostsService(
      new PostsRepository(app.database),
      app.usersService,
      app.counters,
      app.jobs,
      renderer,
      app.log,
      app.tagsService,
      app.searchService,
    );
    app.decorate('postsService', postsService);
    app.addHook('onReady', () => postsService.queueLeftoverWork());
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

    const sections: PostSection[] = [];
    app.decorate('postPage', { addSection: (section: PostSection) => void sections.push(section) });

    await app.register(postsRoutes, { prefix: '/api' });
    await app.register(postsPages, { sections });
  },
  { name: 'posts', dependencies: ['users', 'auth', 'media', 'tags', 'search'] },
);
