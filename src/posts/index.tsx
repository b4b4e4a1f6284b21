import fp from 'fastify-plugin';
import { createMarkdownRenderer } from './markdown.js';
import postsPages, { type FeedTab, type PostSection } from './posts.pages.js';
import { PostsRepository } from './posts.repository.js';
import postsRoutes from './posts.routes.js';
import { PostsService } from './posts.service.js';
import writingPages from './writing.pages.js';

declare module 'fastify' {
  interface FastifyInstance {
    postsService: PostsService;
    /** What other features show on a post's page, below the post (comments, say). */
    postPage: { addSection(section: PostSection): void };
    /** Tabs other features add beside Latest on the home page, for signed-in readers (Following). */
    homePage: { addTab(tab: FeedTab): void };
  }
}

/** Posts and likes: `/api/posts`, a user's posts, the feed, post and user pages, the editor and My drafts. */
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
      app.moderationService,
      app.tagsService,
      app.searchService,
    );
    app.decorate('postsService', postsService);
    app.addHook('onReady', () => postsService.queueLeftoverWork());
    app.describeApiTag('posts', 'Posts and likes');

    app.siteLayout.addSignedInNav(
      <a class="nav-link" href="/editor">
        New Post
      </a>,
    );
    app.siteLayout.addSignedInNav(
      <a class="nav-link" href="/drafts">
        My drafts
      </a>,
    );

    const sections: PostSection[] = [];
    app.decorate('postPage', { addSection: (section: PostSection) => void sections.push(section) });

    const tabs: FeedTab[] = [];
    app.decorate('homePage', { addTab: (tab: FeedTab) => void tabs.push(tab) });

    await app.register(postsRoutes, { prefix: '/api' });
    await app.register(postsPages, { sections, tabs });
    await app.register(writingPages);
  },
  { name: 'posts', dependencies: ['users', 'auth', 'moderation', 'media', 'tags', 'search'] },
);
