import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../platform/http/schemas.js';
import { FileUpload, megabytes, uploadRoute, uploadedFile } from '../platform/http/uploads.js';
import { MediaUpload } from './media.schemas.js';
import { MEDIA_WIDTH } from './media.service.js';

/** `POST /api/media`: an image to use in a post. */
const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { mediaService } = app;
  const limit = app.config.maxUploadSizeBytes;

  await app.register(multipart, {
    limits: { fileSize: limit, files: 1, fields: 5, parts: 6, headerPairs: 100 },
  });

  app.post(
    '/media',
    {
      ...uploadRoute,
      config: { access: 'signed-in' },
      schema: {
        tags: ['media'],
        summary: 'Upload an image for a post',
        description: `Multipart field \`file\`, at most ${megabytes(limit)}. Stored as a WebP at most ${MEDIA_WIDTH} px wide, without metadata.`,
        consumes: ['multipart/form-data'],
        body: FileUpload('JPEG, PNG, GIF or WebP'),
        response: { 201: MediaUpload, ...errors(400, 500) },
      },
    },
    async (request, reply) => {
      const bytes = await uploadedFile(request, reply, limit);
      if (bytes === undefined) return reply;
      return reply.code(201).send(await mediaService.upload(bytes));
    },
  );
};

export default mediaRoutes;
