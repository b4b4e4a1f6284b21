import fp from 'fastify-plugin';
import { CommentsSection } from './comments.pages.js';
import { CommentsRepository } from './comments.repository.js';
import commentsRoutes from './comments.routes.js';
import { CommentsService } from './comments.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    commentsService: CommentsService;
  }
}

/** Comments on posts: the API, and the section below every post's page. */
export default fp(
  async function comments(app) {
    const commentsService = new CommentsService(
      new CommentsRepository(app.database),
      app.postsService,
      app.usersService,
      app.moderationService,
    );
    app.decorate('commentsService', commentsService);
    app.describeApiTag('comments', 'Comments on posts');

    const firstPage = { skip: 0, limit: 20 };
    app.postPage.addSection(async (post) => (
      <CommentsSection post={post} page={await commentsService.page(post.id, firstPage)} />
    ));

    await app.register(commentsRoutes, { prefix: '/api' });
  },
  { name: 'comments', dependencies: ['users', 'auth', 'moderation', 'posts'] },
);
