import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, errors } from '../platform/http/schemas.js';
import { FileUpload, megabytes, uploadRoute, uploadedFile } from '../platform/http/uploads.js';
import { UserPrivate } from './users.schemas.js';

/** `/api/users/{user_id}/picture`: upload or delete one's profile picture. */
const picturesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { picturesService } = app;
  const limit = app.config.maxUploadSizeBytes;

  await app.register(multipart, {
    limits: { fileSize: limit, files: 1, fields: 5, parts: 6, headerPairs: 100 },
  });

  app.patch(
    '/:user_id/picture',
    {
      ...uploadRoute,
      config: { access: 'owner' },
      schema: {
        tags: ['users'],
        summary: 'Upload a profile picture',
        description: `Multipart field \`file\`, at most ${megabytes(limit)}. Stored as a 300x300 JPEG without metadata.`,
        consumes: ['multipart/form-data'],
        params: IdParams('user_id'),
        body: FileUpload('JPEG, PNG, GIF or WebP'),
        response: { 200: UserPrivate, ...errors(400, 403, 500) },
      },
    },
    async (request, reply) => {
      picturesService.assertMayChange(request.user, request.params.user_id, 'update');
      const bytes = await uploadedFile(request, reply, limit);
      if (bytes === undefined) return reply;
      return picturesService.replace(request.user, request.params.user_id, bytes);
    },
  );

  app.delete(
    '/:user_id/picture',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['users'],
        summary: 'Delete the profile picture',
        params: IdParams('user_id'),
        response: { 200: UserPrivate, ...errors(400, 403) },
      },
    },
    async (request) => picturesService.remove(request.user, request.params.user_id),
  );
};

export default picturesRoutes;
