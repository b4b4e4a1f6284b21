import fp from 'fastify-plugin';
import mediaRoutes from './media.routes.js';
import { MediaService } from './media.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    mediaService: MediaService;
  }
}

/** Images in posts: `POST /api/media` stores one and answers the URL to write in Markdown. */
export default fp(
  async function media(app) {
    app.decorate('mediaService', new MediaService(app.images, app.storage, app.log));
    app.describeApiTag('media', 'Images in posts');
    await app.register(mediaRoutes, { prefix: '/api' });
  },
  { name: 'media', dependencies: ['auth'] },
);
