import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, errors } from '../platform/http/schemas.js';
import { AdminUser, AdminUsersQuery, LogPage, LogQuery, StandingChange } from './moderation.schemas.js';

/** `/api/admin`: accounts, roles and suspensions, and the moderation log. Admins only. */
const moderationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { moderationService } = app;

  app.get(
    '/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Accounts by id, optionally those whose name or email contains `q`',
        querystring: AdminUsersQuery,
        response: { 200: Type.Array(AdminUser), ...errors(403) },
      },
    },
    async (request) => moderationService.listUsers(request.query),
  );

  app.patch(
    '/users/:user_id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: "Change an account's role, suspend or restore it",
        description:
          'A suspension revokes every token of the account at once; it cannot log in until restored.',
        params: IdParams('user_id'),
        body: StandingChange,
        response: { 200: AdminUser, ...errors(400, 403, 404) },
      },
    },
    async (request) => moderationService.setStanding(request.user, request.params.user_id, request.body),
  );

  app.get(
    '/log',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'The moderation log, newest first: who did what to whom, and when',
        querystring: LogQuery,
        response: { 200: LogPage, ...errors(403) },
      },
    },
    async (request) => moderationService.logPage(request.query),
  );
};

export default moderationRoutes;
