import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { driverError, isDatabaseUnavailable } from '../database/driver-errors.js';
import { DomainError, InvalidFieldError, type DomainErrorKind } from '../errors.js';
import { errorPage } from '../web/error-page.js';
import { toValidationIssues, type ValidationIssue } from './validation.js';

/** `/api` answers in JSON, always; every other path answers with an HTML page, always. */
export function isApiRequest(request: FastifyRequest): boolean {
  return request.url === '/api' || request.url.startsWith('/api/') || request.url.startsWith('/api?');
}

/** An error as HTTP sees it: a status, what to tell the caller, and headers such as `Retry-After`. */
export interface ErrorAnswer {
  status: number;
  detail: string | ValidationIssue[];
  headers?: Record<string, string>;
}

/**
 * The status of each kind of domain error. A taken name is a 400, not a 409: the original API answered
 * "Username already exists" that way and its clients read it.
 */
const DOMAIN_STATUS: Record<DomainErrorKind, number> = {
  'invalid-field': 422,
  'not-found': 404,
  forbidden: 403,
  conflict: 400,
  invalid: 400,
  unauthenticated: 401,
  'rate-limited': 429,
  failed: 500,
};

function domainAnswer(error: DomainError): ErrorAnswer {
  if (error instanceof InvalidFieldError) {
    // The shape of a validation error, as if the schema had refused the field.
    return {
      status: 422,
      detail: [{ type: 'value_error', loc: [error.location, error.field], msg: error.message }],
    };
  }
  const answer: ErrorAnswer = { status: DOMAIN_STATUS[error.kind], detail: error.message };
  if (error.kind === 'unauthenticated') answer.headers = { 'www-authenticate': 'Bearer' };
  if (error.kind === 'rate-limited' && 'retryAfterSeconds' in error) {
    answer.headers = { 'retry-after': String(error.retryAfterSeconds) };
  }
  return answer;
}

/**
 * The one mapping of errors to statuses and messages. `/api` and the pages answer with it here; another
 * API face (src/realworld) takes the same answer and only writes it in its own shape.
 */
export function classify(error: FastifyError): ErrorAnswer {
  if (error instanceof DomainError) return domainAnswer(error);
  if (error.validation) {
    return { status: 422, detail: toValidationIssues(error.validation, error.validationContext ?? 'body') };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 422,
        detail: [{ type: 'json_invalid', loc: ['body', jsonErrorPosition(error)], msg: 'JSON decode error' }],
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 422, detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }] };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 422,
        detail: [
          {
            type: 'model_attributes_type',
            loc: ['body'],
            msg: 'Input should be a valid dictionary or object to extract fields from',
          },
        ],
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, detail: 'Request body is too large.' };
  }
  if (isDatabaseUnavailable(error))
    return { status: 503, detail: 'Service temporarily unavailable. Try again shortly.' };
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 600) return { status: 500, detail: 'Internal Server Error' };
  // Messages of server errors can carry internals (a failed query's text and parameters).
  return { status, detail: status < 500 ? error.message : 'Internal Server Error' };
}

function jsonErrorPosition(error: Error): number {
  const match = /position (\d+)/.exec(error.message);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

function send(request: FastifyRequest, reply: FastifyReply, { status, detail }: ErrorAnswer) {
  reply.code(status);
  if (isApiRequest(request)) return reply.type('application/json; charset=utf-8').send({ detail });
  return reply.page(errorPage(status));
}

export default fp(
  async function errorHandling(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const answer = classify(error);
      // Errors may carry headers of their own, such as `WWW-Authenticate` on a 401.
      const headers = answer.headers ?? (error as { headers?: Record<string, string> }).headers;
      if (answer.status < 500 && headers) reply.headers(headers);
      if (answer.status === 503) reply.header('retry-after', '5');
      if (answer.status >= 500 && !(error instanceof DomainError)) {
        // A failed query's own message lists its parameters (hashes, emails): log the driver's error.
        request.log.error({ err: driverError(error) }, 'request failed');
      }
      return send(request, reply, answer);
    });

    app.setNotFoundHandler((request, reply) => send(request, reply, { status: 404, detail: 'Not Found' }));
  },
  { name: 'error-handling', dependencies: ['web'] },
);

// Sent on the few answers Fastify gives before any hook runs (a URL it cannot decode).
const BASELINE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'self'",
};

/**
 * Fastify's `frameworkErrors`: a URL that cannot be decoded (`/api/users/%zz`) or a path parameter over
 * the router's length limit. Under `/api` such an id is a 422 like any other id that is not a positive
 * integer; elsewhere the page does not exist.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.headers(BASELINE_HEADERS);
  if (!isApiRequest(request)) {
    void send(request, reply, { status: 404, detail: 'Not Found' });
    return;
  }
  const known = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void send(request, reply, {
    status: known ? 422 : (error.statusCode ?? 400),
    detail: known
      ? [{ type: 'value_error', loc: ['path'], msg: 'Path should be a valid URL with a valid id' }]
      : error.message,
  });
}
