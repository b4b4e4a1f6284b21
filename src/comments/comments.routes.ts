import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, errors } from '../platform/http/schemas.js';
import { Comment, CommentBody, CommentPage, CommentPageQuery } from './comments.schemas.js';

const CommentIdParams = IdParams('comment_id');

/** `/api/posts/{post_id}/comments` and `/api/comments/{comment_id}`. */
const commentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { commentsService } = app;

  app.get(
    '/posts/:post_id/comments',
    {
      // The same for every visitor: kept under the content version (platform/http/page-cache.ts).
      config: { pageCache: 'rendered' },
      schema: {
        tags: ['comments'],
        summary: "A post's comments, oldest first",
        params: IdParams('post_id'),
        querystring: CommentPageQuery,
        response: { 200: CommentPage, ...errors(404) },
      },
    },
    async (request) => commentsService.page(request.params.post_id, request.query),
  );

  app.post(
    '/posts/:post_id/comments',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['comments'],
        summary: 'Comment on a post',
        params: IdParams('post_id'),
        body: CommentBody,
        response: { 201: Comment, ...errors(404) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await commentsService.create(request.user, request.params.post_id, request.body.content)),
  );

  app.patch(
    '/comments/:comment_id',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['comments'],
        summary: 'Change a comment',
        description: 'Its author only.',
        params: CommentIdParams,
        body: CommentBody,
        response: { 200: Comment, ...errors(403, 404) },
      },
    },
    async (request) => commentsService.update(request.user, request.params.comment_id, request.body.content),
  );

  app.delete(
    '/comments/:comment_id',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['comments'],
        summary: 'Delete a comment',
        description: "Its author, or the post's author.",
        params: CommentIdParams,
        response: { 204: Type.Null(), ...errors(403, 404) },
      },
    },
    async (request, reply) => {
      await commentsService.delete(request.user, request.params.comment_id);
      return reply.code(204).send(null);
    },
  );
};

export default commentsRoutes;
