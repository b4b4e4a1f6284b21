import fp from 'fastify-plugin';
import { TagsRepository } from './tags.repository.js';
import tagsRoutes from './tags.routes.js';
import { TagsService } from './tags.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    tagsService: TagsService;
  }
}

/**
 * Tags: their rules and counts, and `GET /api/tags`. Registered before posts, which keep a post's tags
 * through this service; the tag pages come after posts (tags.pages.tsx).
 */
export default fp(
  async function tags(app) {
    app.decorate('tagsService', new TagsService(new TagsRepository(app.database)));
    app.describeApiTag('tags', 'Tags of posts');
    await app.register(tagsRoutes, { prefix: '/api' });
  },
  { name: 'tags' },
);
