import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MessageResponse, StoredText, bearerAuth, errors } from '../http/schemas.js';
import { rateLimited } from '../http/rate-limit.js';
import { parseMultipartForm } from '../http/body-parsers.js';
import { Email, NewPassword } from '../users/users.schemas.js';

const MAX_LOGIN_FORM_BYTES = 64 * 1024;
const PASSWORD_UPDATED = 'Password updated successfully.';
const RESET_REQUESTED = 'If an account with that email exists, a password reset link has been sent.';

const Token = Type.Object(
  { access_token: Type.String(), token_type: Type.Literal('bearer') },
  { title: 'Token' },
);

// OAuth2's password grant, as FastAPI's OAuth2PasswordRequestForm: `username` holds the email.
const LoginForm = Type.Object({
  username: StoredText({ maxLength: 320 }),
  password: Type.String({ maxLength: 4096 }),
  grant_type: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
});

const auth: FastifyPluginAsyncTypebox = async (app) => {
  const { authService } = app;
  const limits = app.config.rateLimits || undefined;

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
        config: rateLimited(limits?.login),
        bodyLimit: MAX_LOGIN_FORM_BYTES,
        schema: {
          tags: ['auth'],
          summary: 'Log in (OAuth2 password form)',
          description:
            'Form fields `username` (the email, any case) and `password`, urlencoded or multipart.',
          consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
          body: LoginForm,
          response: { 200: Token, ...errors(400, 401, 413, 429) },
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
      config: rateLimited(limits?.forgotPassword),
      schema: {
        tags: ['auth'],
        summary: 'Mail a password reset link',
        description: 'Answers the same, at the same speed, whether or not the account exists.',
        body: Type.Object({ email: Email }),
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
      config: rateLimited(limits?.resetPassword),
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the token from the mail',
        body: Type.Object({ token: Type.String({ maxLength: 512 }), new_password: NewPassword }),
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
      onRequest: app.authenticate,
      schema: {
        tags: ['auth'],
        summary: 'Change the password',
        description: 'Revokes every other token of the user; use the token in the answer from now on.',
        security: bearerAuth,
        body: Type.Object({ current_password: Type.String({ maxLength: 4096 }), new_password: NewPassword }),
        response: {
          200: Type.Object({
            message: Type.String(),
            access_token: Type.String(),
            token_type: Type.Literal('bearer'),
          }),
          ...errors(400, 401),
        },
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

export default auth;
