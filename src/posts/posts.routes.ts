import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, errors } from '../platform/http/schemas.js';
import {
  LikeState,
  OwnPostsQuery,
  Post,
  PostCreate,
  PostDetail,
  PostPage,
  PostPageQuery,
  FeedQuery,
  PostPreview,
  PostPreviewRequest,
  PostUpdate,
} from './posts.schemas.js';

const PostIdParams = IdParams('post_id');

/** `/api/posts` and `/api/users/{user_id}/posts`. */
const postsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { postsService } = app;
  // Public reads are the same for every visitor: kept under the content version (platform/http/page-cache.ts).
  const shared = { pageCache: 'rendered' as const };

  app.get(
    '/posts',
    {
      config: shared,
      schema: {
        tags: ['posts'],
        summary: 'The feed, newest first; with `tag`, the posts of that tag',
        querystring: FeedQuery,
        response: { 200: PostPage, ...errors() },
      },
    },
    async (request) => postsService.page(request.query),
  );

  app.get(
    '/users/:user_id/posts',
    {
      config: shared,
      schema: {
        tags: ['users', 'posts'],
        summary: "A user's posts, newest first",
        params: IdParams('user_id'),
        querystring: PostPageQuery,
        response: { 200: PostPage, ...errors(404) },
      },
    },
    async (request) => postsService.pageByUser(request.params.user_id, request.query),
  );

  app.get(
    '/users/me/posts',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['posts'],
        summary: "The signed-in author's own posts of one status, newest first",
        querystring: OwnPostsQuery,
        response: { 200: PostPage },
      },
    },
    async (request) => postsService.ownPosts(request.user, request.query),
  );

  app.get(
    '/posts/:post_id',
    {
      // Drafts and scheduled posts are their author's: a caller with a token is answered alone.
      config: { ...shared, access: 'optional-auth' },
      schema: {
        tags: ['posts'],
        summary: 'One post with its author and its rendered HTML',
        description: "A draft or scheduled post is found only with its author's token.",
        params: PostIdParams,
        response: { 200: PostDetail, ...errors(404) },
      },
    },
    async (request) => postsService.get(request.params.post_id, request.viewer),
  );

  app.post(
    '/posts/preview',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['posts'],
        summary: 'Render Markdown as a post would be, without saving anything',
        body: PostPreviewRequest,
        response: { 200: PostPreview },
      },
    },
    async (request) => postsService.preview(request.body.content),
  );

  app.post(
    '/posts',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['posts'],
        summary: 'Write a post',
        description:
          'Published at once unless `status` is `draft`, or `publish_at` (a time to come) schedules it.',
        body: PostCreate,
        response: { 201: Post, ...errors() },
      },
    },
    async (request, reply) => reply.code(201).send(await postsService.create(request.user, request.body)),
  );

  app.put(
    '/posts/:post_id',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['posts'],
        summary: 'Replace a post',
        description:
          'A missing title or description clears it; a missing `status` or `publish_at` keeps the current one.',
        params: PostIdParams,
        body: PostCreate,
        response: { 200: Post, ...errors(403, 404) },
      },
    },
    async (request) => postsService.replace(request.user, request.params.post_id, request.body),
  );

  app.patch(
    '/posts/:post_id',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['posts'],
        summary: 'Change part of a post',
        description: 'Only the fields sent change; `title: null` clears the title.',
        params: PostIdParams,
        body: PostUpdate,
        response: { 200: Post, ...errors(403, 404) },
      },
    },
    async (request) => postsService.update(request.user, request.params.post_id, request.body),
  );

  app.delete(
    '/posts/:post_id',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['posts'],
        summary: 'Delete a post',
        params: PostIdParams,
        response: { 204: Type.Null(), ...errors(403, 404) },
      },
    },
    async (request, reply) => {
      await postsService.delete(request.user, request.params.post_id);
      return reply.code(204).send(null);
    },
  );

  const like = (summary: string) => ({
    config: { access: 'signed-in' as const },
    schema: { tags: ['posts'], summary, params: PostIdParams, response: { 200: LikeState, ...errors(404) } },
  });

  app.get('/posts/:post_id/like', like("The signed-in user's like of a post"), async (request) =>
    postsService.likeState(request.user, request.params.post_id),
  );
  app.post('/posts/:post_id/like', like('Like a post (idempotent)'), async (request) =>
    postsService.like(request.user, request.params.post_id),
  );
  app.delete('/posts/:post_id/like', like('Take a like back (idempotent)'), async (request) =>
    postsService.unlike(request.user, request.params.post_id),
  );
};

export default postsRoutes;
