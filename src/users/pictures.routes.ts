import multipart from '@fastify/multipart';
import { httpErrors } from '@fastify/sensible';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { Type } from 'typebox';
import { UNPARSABLE_BODY, UserIdParams, bearerAuth, errors } from '../http/schemas.js';
import { UPLOAD_IDLE_MS, watchMultipartUpload } from '../http/upload-stall.js';
import { validatorCompiler } from '../http/validation.js';
import { UserPrivate } from './users.schemas.js';

// Room for the multipart framing around the file (boundaries, part headers).
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const PictureUpload = Type.Object({
  file: Type.String({ format: 'binary', description: 'JPEG, PNG, GIF or WebP' }),
});

const MISSING_FILE = { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required' }] };

// The upload is streamed by the handler, which enforces the size while reading; the body schema is
// there for the OpenAPI document only.
const streamedBody: FastifySchemaCompiler<object> = (route) =>
  route.httpPart === 'body' ? () => true : validatorCompiler(route);

type Upload = { kind: 'file'; bytes: Buffer } | { kind: 'missing' } | { kind: 'too-large' };

/**
 * Reads the `file` part and stops the moment it passes `limit` bytes: the rest of the body is neither
 * kept nor waited for (the answer then closes the connection).
 */
async function readUpload(request: FastifyRequest, limit: number): Promise<Upload> {
  if (!request.isMultipart()) return { kind: 'missing' };
  try {
    const part = await request.file({ limits: { fileSize: limit } });
    if (!part || part.fieldname !== 'file') return { kind: 'missing' };
    const reading = (async (): Promise<Upload> => {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file as AsyncIterable<Buffer>) chunks.push(chunk);
      return part.file.truncated ? { kind: 'too-large' } : { kind: 'file', bytes: Buffer.concat(chunks) };
    })();
    // The parser drops what comes after the limit but keeps reading to the end of the part: do not wait.
    const limitReached = new Promise<Upload>((resolve) =>
      part.file.once('limit', () => resolve({ kind: 'too-large' })),
    );
    reading.catch(() => undefined); // abandoned when the limit wins; its failure then matters to no one
    return await Promise.race([reading, limitReached]);
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return { kind: 'too-large' };
    // A body cut short or without a boundary is the client's doing, whatever the parser calls it.
    const status = (error as { statusCode?: number }).statusCode;
    throw status !== undefined && status >= 400 && status < 500
      ? error
      : httpErrors.badRequest(UNPARSABLE_BODY);
  }
}

function megabytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(1))}MB`;
}

const pictures: FastifyPluginAsyncTypebox = async (app) => {
  const { picturesService, userViews } = app;
  const limit = app.config.maxUploadSizeBytes;
  const tooLarge = `File too large. Maximum size is ${megabytes(limit)}`;

  await app.register(multipart, {
    limits: { fileSize: limit, files: 1, fields: 5, parts: 6, headerPairs: 100 },
  });

  app.patch(
    '/:user_id/picture',
    {
      onRequest: [app.authenticate, watchMultipartUpload(UPLOAD_IDLE_MS)],
      validatorCompiler: streamedBody,
      schema: {
        tags: ['users'],
        summary: 'Upload a profile picture',
        description: `Multipart field \`file\`, at most ${megabytes(limit)}. Stored as a 300x300 JPEG without metadata.`,
        security: bearerAuth,
        consumes: ['multipart/form-data'],
        params: UserIdParams,
        body: PictureUpload,
        response: { 200: UserPrivate, ...errors(400, 401, 403, 500) },
      },
    },
    async (request, reply) => {
      if (request.user.id !== request.params.user_id) {
        throw httpErrors.forbidden("Not authorized to update this user's picture");
      }
      // Refusing a declared oversize body before reading it; closing the connection stops the upload.
      if (Number(request.headers['content-length'] ?? 0) > limit + MULTIPART_OVERHEAD_BYTES) {
        reply.header('connection', 'close');
        throw httpErrors.badRequest(tooLarge);
      }
      const upload = await readUpload(request, limit);
      if (upload.kind === 'missing') return reply.code(422).send(MISSING_FILE);
      if (upload.kind === 'too-large') {
        reply.header('connection', 'close');
        throw httpErrors.badRequest(tooLarge);
      }
      return userViews.private(await picturesService.replace(request.user, upload.bytes));
    },
  );

  app.delete(
    '/:user_id/picture',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['users'],
        summary: 'Delete the profile picture',
        security: bearerAuth,
        params: UserIdParams,
        response: { 200: UserPrivate, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      if (request.user.id !== request.params.user_id) {
        throw httpErrors.forbidden("Not authorized to delete this user's picture");
      }
      return userViews.private(await picturesService.remove(request.user));
    },
  );
};

export default pictures;
