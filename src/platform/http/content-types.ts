import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { isApiRequest } from './errors.js';
import type { ValidationIssue } from './validation.js';

/** What a route with a body schema and no `consumes` of its own accepts: the document's default. */
const JSON_ONLY = ['application/json'];

/** The media type of a Content-Type header: lower case, without its parameters. */
export function mediaType(header: string): string {
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

function accepts(allowed: readonly string[], type: string): boolean {
  // `application/problem+json` and the like are JSON, as FastAPI reads them.
  return allowed.some((entry) => entry === type || (entry === 'application/json' && type.endsWith('+json')));
}

export function unsupportedContentType(type: string, allowed: readonly string[]): ValidationIssue[] {
  return [
    {
      type: 'unsupported_content_type',
      loc: ['header', 'content-type'],
      msg: `Content type should be ${allowed.join(' or ')}, not ${type || 'empty'}`,
    },
  ];
}

/**
 * Every API route that takes a body accepts exactly the content types its OpenAPI entry documents
 * (`consumes`, or JSON when it says nothing); any other type is a 422 in the validation shape, answered
 * before the body is read. A request without a Content-Type is read as JSON, as FastAPI reads it.
 * Without this, the urlencoded parser that the login form needs let a plain cross-site HTML form
 * register accounts and request reset mails without a CORS preflight.
 */
export default fp(
  async function contentTypes(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { body?: unknown; consumes?: string[] } | undefined;
      if (schema?.body === undefined) return;
      const allowed = (schema.consumes ?? JSON_ONLY).map((type) => type.toLowerCase());
      const check: onRequestHookHandler = (request: FastifyRequest, reply: FastifyReply, done) => {
        const header = request.headers['content-type'];
        const type = header === undefined ? undefined : mediaType(header);
        if (type === undefined || !isApiRequest(request) || accepts(allowed, type)) return done();
        void reply
          .code(422)
          .type('application/json; charset=utf-8')
          .send({ detail: unsupportedContentType(type, allowed) });
      };
      const existing = route.onRequest;
      route.onRequest = [check, ...(existing === undefined ? [] : [existing].flat())];
    });
  },
  { name: 'content-types' },
);
