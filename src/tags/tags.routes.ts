import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../platform/http/schemas.js';
import { TagList, TagListQuery } from './tags.schemas.js';

/** `/api/tags`. (A tag's posts are `GET /api/posts?tag=`, in the posts feature.) */
const tagsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { tagsService } = app;

  app.get(
    '/tags',
    {
      // The same for every visitor: kept under the content version (platform/http/page-cache.ts).
      config: { pageCache: 'rendered' },
      schema: {
        tags: ['tags'],
        summary: 'Tags of published posts, most used first; `q` for those starting with it',
        querystring: TagListQuery,
        response: { 200: TagList, ...errors() },
      },
    },
    async (request) => tagsService.list(request.query),
  );
};

export default tagsRoutes;
