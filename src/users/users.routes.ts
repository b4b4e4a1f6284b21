import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../platform/errors.js';
import { IdParams, OffsetQuery, errors } from '../platform/http/schemas.js';
import { UserPrivate, UserProfile, UserPublic, UserUpdate } from './users.schemas.js';

/** `/api/users`: profiles. Registration and passwords are the auth feature's. */
const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { usersService } = app;

  app.get(
    '/me',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['users'],
        summary: 'The signed-in user',
        response: { 200: UserPrivate },
      },
    },
    async (request) => usersService.privateView(request.user),
  );

  app.get(
    '',
    {
      schema: {
        tags: ['users'],
        summary: 'List users by id',
        description: 'Answers 404 when the page is empty, as the original API did.',
        querystring: OffsetQuery(100),
        response: { 200: Type.Array(UserPublic), ...errors(404) },
      },
    },
    async (request) => {
      const page = await usersService.list(request.query);
      if (page.length === 0) throw new NotFoundError('Users not found');
      return page;
    },
  );

  app.get(
    '/:user_id',
    {
      // `followed` is the caller's: answered to them alone.
      config: { access: 'optional-auth' },
      schema: {
        tags: ['users'],
        summary: 'One user, with their counts',
        description: '`followed` says whether the caller follows them (false without a token).',
        params: IdParams('user_id'),
        response: { 200: UserProfile, ...errors(404) },
      },
    },
    async (request) => usersService.profile(request.params.user_id, request.viewer),
  );

  app.patch(
    '/:user_id',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['users'],
        summary: 'Change username, email or bio',
        description: 'Absent or null fields stay as they are.',
        params: IdParams('user_id'),
        body: UserUpdate,
        response: { 200: UserPrivate, ...errors(400, 403, 404) },
      },
    },
    async (request) => usersService.update(request.user, request.params.user_id, request.body),
  );

  app.delete(
    '/:user_id',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['users'],
        summary: 'Delete an account with its posts, likes and picture',
        params: IdParams('user_id'),
        response: { 204: Type.Null(), ...errors(403, 404) },
      },
    },
    async (request, reply) => {
      await usersService.delete(request.user, request.params.user_id);
      return reply.code(204).send(null);
    },
  );
};

export default usersRoutes;
