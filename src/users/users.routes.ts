import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { httpErrors } from '@fastify/sensible';
import { Type } from 'typebox';
import { PageQuery, UserIdParams, bearerAuth, errors } from '../http/schemas.js';
import { rateLimited } from '../http/rate-limit.js';
import { PostPage, PostPageQuery } from '../posts/posts.schemas.js';
import { UserCreate, UserPrivate, UserPublic, UserUpdate } from './users.schemas.js';

const users: FastifyPluginAsyncTypebox = async (app) => {
  const { usersService, postsService, userViews } = app;
  const limits = app.config.rateLimits || undefined;

  app.post(
    '',
    {
      config: rateLimited(limits?.register),
      schema: {
        tags: ['users'],
        summary: 'Register',
        body: UserCreate,
        response: { 201: UserPrivate, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const user = await usersService.register(request.body);
      return reply.code(201).send(userViews.private(user));
    },
  );

  app.get(
    '/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['users'],
        summary: 'The signed-in user',
        security: bearerAuth,
        response: { 200: UserPrivate, ...errors(401) },
      },
    },
    async (request) => userViews.private(request.user),
  );

  app.get(
    '',
    {
      schema: {
        tags: ['users'],
        summary: 'List users by id',
        description: 'Answers 404 when the page is empty, as the original API did.',
        querystring: PageQuery(100),
        response: { 200: Type.Array(UserPublic), ...errors(404) },
      },
    },
    async (request) => {
      const page = await usersService.list(request.query);
      if (page.length === 0) throw httpErrors.notFound('Users not found');
      return page.map((user) => userViews.public(user));
    },
  );

  app.get(
    '/:user_id',
    {
      schema: {
        tags: ['users'],
        summary: 'One user',
        params: UserIdParams,
        response: { 200: UserPublic, ...errors(404) },
      },
    },
    async (request) => {
      const user = await usersService.findById(request.params.user_id);
      if (!user) throw httpErrors.notFound('User not found');
      return userViews.public(user);
    },
  );

  app.patch(
    '/:user_id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['users'],
        summary: 'Change username or email',
        description: 'Absent or null fields stay as they are.',
        security: bearerAuth,
        params: UserIdParams,
        body: UserUpdate,
        response: { 200: UserPrivate, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      userViews.private(await usersService.update(request.user, request.params.user_id, request.body)),
  );

  app.delete(
    '/:user_id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['users'],
        summary: 'Delete an account with its posts, likes and picture',
        security: bearerAuth,
        params: UserIdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await usersService.delete(request.user, request.params.user_id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/:user_id/posts',
    {
      schema: {
        tags: ['users', 'posts'],
        summary: "A user's posts, newest first",
        params: UserIdParams,
        querystring: PostPageQuery,
        response: { 200: PostPage, ...errors(404) },
      },
    },
    async (request) => {
      const page = await postsService.pageByUser(request.params.user_id, request.query);
      if (!page) throw httpErrors.notFound('User not found');
      return page;
    },
  );
};

export default users;
