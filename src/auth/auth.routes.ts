import multipart from '@fastify/multipart';
import { httpErrors } from '@fastify/sensible';
import type { FastifyError } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MessageResponse, StoredText, UNPARSABLE_BODY, bearerAuth, errors } from '../http/schemas.js';
import { rateLimited } from '../http/rate-limit.js';
import { UPLOAD_IDLE_MS, watchMultipartUpload } from '../http/upload-stall.js';
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
  const loginForm: FastifyPluginAsyncTypebox = async (form) => {
    await form.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fields: 10, fieldSize: 8192, files: 0, parts: 10 },
    });

    // Bodies the parser cannot read are the client's fault, whatever the parser calls them; errors
    // raised once the body is read go to the app's handler.
    const parsed = new WeakSet<object>();
    form.addHook('preValidation', async (request) => void parsed.add(request));
    form.setErrorHandler((error: FastifyError, request) => {
      if (parsed.has(request) || (error.statusCode !== undefined && error.statusCode < 500)) throw error;
      throw httpErrors.badRequest(UNPARSABLE_BODY);
    });

    form.post(
      '/token',
      {
        config: rateLimited(limits?.login),
        // A login form is a few hundred bytes; a large declared body is refused before it is read.
        onRequest: [
          async (request, reply) => {
            if (Number(request.headers['content-length'] ?? 0) > MAX_LOGIN_FORM_BYTES) {
              reply.header('connection', 'close');
              throw httpErrors.payloadTooLarge('Request body is too large.');
            }
          },
          watchMultipartUpload(UPLOAD_IDLE_MS, MAX_LOGIN_FORM_BYTES),
        ],
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
