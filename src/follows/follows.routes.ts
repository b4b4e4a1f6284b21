import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, errors } from '../platform/http/schemas.js';
import { PostPage, PostPageQuery } from '../posts/posts.schemas.js';
import { UserPublic } from '../users/users.schemas.js';
import { FollowState } from './follows.schemas.js';

/** `/api/users/{user_id}/follow` and `/api/feed`. */
const followsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { followsService } = app;
  const UserIdParams = IdParams('user_id');

  app.post(
    '/users/:user_id/follow',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['follows'],
        summary: 'Follow someone (idempotent)',
        params: UserIdParams,
        response: { 200: FollowState, ...errors(400, 404) },
      },
    },
    async (request) => followsService.follow(request.user, request.params.user_id),
  );

  app.delete(
    '/users/:user_id/follow',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['follows'],
        summary: 'Stop following someone (idempotent)',
        params: UserIdParams,
        response: { 200: FollowState, ...errors(400, 404) },
      },
    },
    async (request) => followsService.unfollow(request.user, request.params.user_id),
  );

  app.get(
    '/feed',
    {
      config: {
        access: 'signed-in',
        // Kept per reader until a post changes or whom they follow does.
        pageCache: 'rendered',
        perCaller: (request) => `${request.user.id}.${request.user.followsVersion}`,
      },
      schema: {
        tags: ['follows'],
        summary: 'The posts of the people the caller follows, newest first',
        querystring: PostPageQuery,
        response: { 200: PostPage },
      },
    },
    async (request) => followsService.feed(request.user, request.query),
  );

  app.get(
    '/feed/suggestions',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['follows'],
        summary:
          'People to follow: the most followed authors the caller does not follow yet, then the latest authors',
        response: { 200: Type.Array(UserPublic) },
      },
    },
    async (request) => followsService.suggestions(request.user),
  );
};

export default followsRoutes;
