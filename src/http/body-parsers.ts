import formBody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * JSON is parsed by Fastify itself. Like FastAPI, a body without a content type is read as JSON, and a
 * body of any other type reaches validation as text, which then answers 422 rather than 415.
 */
export default fp(
  async function bodyParsers(app: FastifyInstance) {
    await app.register(formBody);
    app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
      if (request.headers['content-type'] !== undefined) return done(null, body);
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        const invalid = Object.assign(error as Error, {
          statusCode: 400,
          code: 'FST_ERR_CTP_INVALID_JSON_BODY',
        });
        done(invalid, undefined);
      }
    });
  },
  { name: 'body-parsers' },
);
