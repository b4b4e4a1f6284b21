import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { parseMultipartForm } from '../platform/http/body-parsers.js';
import { rateLimited } from '../platform/http/rate-limit.js';
import { MessageResponse, errors } from '../platform/http/schemas.js';
import { UserPrivate } from '../users/users.schemas.js';
import {
  ChangePassword,
  ForgotPassword,
  LoginForm,
  PasswordChanged,
  Registration,
  ResetPassword,
  Token,
} from './auth.schemas.js';

const MAX_LOGIN_FORM_BYTES = 64 * 1024;
const PASSWORD_UPDATED = 'Password updated successfully.';
const RESET_REQUESTED = 'If an account with that email exists, a password reset link has been sent.';

/** `/api/users`: registration, the login form, and passwords. */
const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { authService, usersService } = app;
  const limits = app.config.rateLimits || undefined;

  app.post(
    '',
    {
      config: rateLimited('register', limits?.register),
      schema: {
        tags: ['users'],
        summary: 'Register',
        body: Registration,
        response: { 201: UserPrivate, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const user = await authService.register(request.body);
      return reply.code(201).send(usersService.privateView(user));
    },
  );

  // The login form is the only body here that may come as multipart: its own context holds the parser.
  // A login form is a few hundred bytes, so the parser reads it whole under Fastify's body limit (a
  // larger body is cut off there with a 413) rather than streaming it through a multipart parser, which
  // would read any amount of preamble or of a truncated field to the end.
  const loginForm: FastifyPluginAsyncTypebox = async (form) => {
    form.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer' },
      async (request: FastifyRequest, body: Buffer) =>
        parseMultipartForm(request.headers['content-type'] ?? '', body),
    );

    form.post(
      '/token',
      {
        config: rateLimited('login', limits?.login),
        bodyLimit: MAX_LOGIN_FORM_BYTES,
        schema: {
          tags: ['auth'],
          summary: 'Log in (OAuth2 password form)',
          description:
            'Form fields `username` (the email, any case) and `password`, urlencoded or multipart.',
          consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
          body: LoginForm,
          response: { 200: Token, ...errors(400, 401, 403, 413, 429) },
        },
      },
      async (request) => ({
        access_token: await authService.login(request.body.username, request.body.password),
        token_type: 'bearer' as const,
      }),
    );
  };
  await app.register(loginForm);

  app.post(
    '/forgot-password',
    {
      config: rateLimited('forgot-password', limits?.forgotPassword),
      schema: {
        tags: ['auth'],
        summary: 'Mail a password reset link',
        description: 'Answers the same, at the same speed, whether or not the account exists.',
        body: ForgotPassword,
        response: { 202: MessageResponse, ...errors(429) },
      },
    },
    async (request, reply) => {
      await authService.requestPasswordReset(request.body.email);
      return reply.code(202).send({ message: RESET_REQUESTED });
    },
  );

  app.post(
    '/reset-password',
    {
      config: rateLimited('reset-password', limits?.resetPassword),
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the token from the mail',
        body: ResetPassword,
        response: { 200: MessageResponse, ...errors(400, 429) },
      },
    },
    async (request) => {
      await authService.resetPassword(request.body.token, request.body.new_password);
      return { message: PASSWORD_UPDATED };
    },
  );

  app.patch(
    '/me/password',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['auth'],
        summary: 'Change the password',
        description: 'Revokes every other token of the user; use the token in the answer from now on.',
        body: ChangePassword,
        response: { 200: PasswordChanged, ...errors(400) },
      },
    },
    async (request) => ({
      message: PASSWORD_UPDATED,
      access_token: await authService.changePassword(
        request.user,
        request.body.current_password,
        request.body.new_password,
      ),
      token_type: 'bearer' as const,
    }),
  );
};

export default authRoutes;
