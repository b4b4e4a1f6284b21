import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { driverError } from '../platform/database/driver-errors.js';
import { ConflictError, DomainError } from '../platform/errors.js';
import { classify } from '../platform/http/errors.js';
import { EMAIL_TAKEN, USERNAME_TAKEN } from '../users/users.service.js';
import type { ErrorResponse } from './realworld.schemas.js';

/** The blog's names of fields that services blame (`InvalidFieldError`), as RealWorld names them. */
const REALWORLD_FIELD: Record<string, string> = { tags: 'tagList', content: 'body' };

/** RealWorld has no 400: a request it cannot take is a 422, a validation error or not. */
const REALWORLD_STATUS: Record<number, number> = { 400: 422 };

/** The field a taken name is about, for `{"errors": {"username": [...]}}`. */
const TAKEN_FIELD: Record<string, string> = { [USERNAME_TAKEN]: 'username', [EMAIL_TAKEN]: 'email' };

/**
 * The same answer as `/api` gives (platform/http/errors.ts decides the status and the message), in
 * RealWorld's shape: `{"errors": {"<field>": ["<message>"]}}`, with `body` when no one field is to
 * blame. RealWorld clients read these keys to show the message beside the field.
 */
export function realWorldError(error: FastifyError): {
  status: number;
  body: ErrorResponse;
  headers?: Record<string, string>;
} {
  const answer = classify(error);
  const status = REALWORLD_STATUS[answer.status] ?? answer.status;
  const errors: Record<string, string[]> = {};
  if (typeof answer.detail === 'string') {
    const field = error instanceof ConflictError ? (TAKEN_FIELD[error.message] ?? 'body') : 'body';
    errors[field] = [answer.detail];
  } else {
    for (const issue of answer.detail) {
      // `loc` is `[where, ...path]`: the last name in the path is the field (`["body", "user", "email"]`).
      const names = issue.loc.slice(1).filter((part): part is string => typeof part === 'string');
      const name = names.at(-1) ?? 'body';
      const field = REALWORLD_FIELD[name] ?? name;
      (errors[field] ??= []).push(issue.msg);
    }
  }
  const headers = answer.headers ?? (error as { headers?: Record<string, string> }).headers;
  return { status, body: { errors }, ...(headers && { headers }) };
}

/** The error and not-found handlers of the RealWorld API's own context: `/api` keeps its shape. */
export function useRealWorldErrors(app: FastifyInstance): void {
  const send = (reply: FastifyReply, status: number, body: ErrorResponse) =>
    // Sent as text: a route's response schemas describe its successes, not this shape.
    reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, headers } = realWorldError(error);
    if (status < 500 && headers) reply.headers(headers);
    if (status === 401) reply.header('www-authenticate', 'Token');
    if (status === 503) reply.header('retry-after', '5');
    if (status >= 500 && !(error instanceof DomainError)) {
      request.log.error({ err: driverError(error) }, 'request failed');
    }
    return send(reply, status, body);
  });

  app.setNotFoundHandler((_request, reply) => send(reply, 404, { errors: { body: ['Not Found'] } }));
}
