import formBody from '@fastify/formbody';
import { httpErrors } from '@fastify/sensible';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { UNPARSABLE_BODY } from './schemas.js';

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

/**
 * A whole multipart/form-data body, already read, as its text fields (the last value of a repeated
 * name wins, as in the original); a file part stays a `File` and fails a schema that wants a string.
 * For small forms only: the body is parsed in memory.
 */
export async function parseMultipartForm(
  contentType: string,
  body: Buffer,
): Promise<Record<string, unknown>> {
  try {
    const form = await new Response(Uint8Array.from(body), {
      headers: { 'content-type': contentType },
    }).formData();
    const fields: Record<string, unknown> = {};
    form.forEach((value, name) => (fields[name] = value));
    return fields;
  } catch {
    throw httpErrors.badRequest(UNPARSABLE_BODY);
  }
}
