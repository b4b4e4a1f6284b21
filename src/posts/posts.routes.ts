import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PostIdParams, bearerAuth, errors } from '../http/schemas.js';
import { LikeState, Post, PostCreate, PostPage, PostPageQuery, PostUpdate } from './posts.schemas.js';

const posts: FastifyPluginAsyncTypebox = async (app) => {
  const { postsService } = app;

  app.get(
    '',
    {
      schema: {
        tags: ['posts'],
        summary: 'The feed, newest first',
        querystring: PostPageQuery,
        response: { 200: PostPage, ...errors() },
      },
    },
    async (request) => postsService.page(request.query),
  );

  app.get(
    '/:post_id',
    {
      schema: {
        tags: ['posts'],
        summary: 'One post with its author',
        params: PostIdParams,
        response: { 200: Post, ...errors(404) },
      },
    },
    async (request) => postsService.get(request.params.post_id),
  );

  app.post(
    '',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['posts'],
        summary: 'Write a post',
        security: bearerAuth,
        body: PostCreate,
        response: { 201: Post, ...errors(401) },
      },
    },
    async (request, reply) => reply.code(201).send(await postsService.create(request.user, request.body)),
  );

  app.put(
    '/:post_id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['posts'],
        summary: 'Replace a post',
        description: 'A missing title clears it.',
        security: bearerAuth,
        params: PostIdParams,
        body: PostCreate,
        response: { 200: Post, ...errors(401, 403, 404) },
      },
    },
    async (request) => postsService.replace(request.user, request.params.post_id, request.body),
  );

  app.patch(
    '/:post_id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['posts'],
        summary: 'Change part of a post',
        description: 'Only the fields sent change; `title: null` clears the title.',
        security: bearerAuth,
        params: PostIdParams,
        body: PostUpdate,
        response: { 200: Post, ...errors(401, 403, 404) },
      },
    },
    async (request) => postsService.update(request.user, request.params.post_id, request.body),
  );

  app.delete(
    '/:post_id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['posts'],
        summary: 'Delete a post',
        security: bearerAuth,
        params: PostIdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await postsService.delete(request.user, request.params.post_id);
      return reply.code(204).send(null);
    },
  );

  const likeSchema = (summary: string) => ({
    tags: ['posts'],
    summary,
    security: bearerAuth,
    params: PostIdParams,
    response: { 200: LikeState, ...errors(401, 404) },
  });

  app.get(
    '/:post_id/like',
    { onRequest: app.authenticate, schema: likeSchema("The signed-in user's like of a post") },
    async (request) => postsService.likeState(request.user, request.params.post_id),
  );

  app.post(
    '/:post_id/like',
    { onRequest: app.authenticate, schema: likeSchema('Like a post (idempotent)') },
    async (request) => postsService.like(request.user, request.params.post_id),
  );

  app.delete(
    '/:post_id/like',
    { onRequest: app.authenticate, schema: likeSchema('Take a like back (idempotent)') },
    async (request) => postsService.unlike(request.user, request.params.post_id),
  );
};

export default posts;
