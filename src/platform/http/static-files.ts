import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { STATIC_FOLDERS } from '../web/assets.js';

const FOREVER = 'public, max-age=31536000, immutable';

/**
 * The site's own files at `/static`, its browser modules at `/static/js`, Bootstrap from its npm
 * package at `/static/vendor/bootstrap`, and, in the embedded mode, stored pictures at `/media`.
 * Fingerprinted URLs (`?v=<hash>`, and the content-hashed chunks) are immutable; others revalidate.
 */
export default fp(
  async function staticFiles(app: FastifyInstance, options: { mediaFolder: string | undefined }) {
    for (const { prefix, folder } of STATIC_FOLDERS) {
      // `reply.sendFile()` serves from public/ (the favicon at its well-known path).
      const decorateReply = prefix === '';
      await app.register(fastifyStatic, {
        root: folder,
        prefix: `/static/${prefix}`,
        index: false,
        decorateReply,
      });
    }
    if (options.mediaFolder) {
      // Picture keys are fresh UUIDs: a stored object never changes.
      await app.register(fastifyStatic, {
        root: options.mediaFolder,
        prefix: '/media/',
        index: false,
        decorateReply: false,
        maxAge: '365d',
        immutable: true,
      });
    }

    app.addHook('onSend', async (request, reply) => {
      // A 304 carries the Cache-Control the 200 would have (RFC 9110, section 15.4.5).
      if ((reply.statusCode !== 200 && reply.statusCode !== 304) || !request.url.startsWith('/static/'))
        return;
      const fingerprinted = /[?&]v=/.test(request.url) || request.url.startsWith('/static/js/chunks/');
      reply.header('cache-control', fingerprinted ? FOREVER : 'public, max-age=0, must-revalidate');
    });
  },
  { name: 'static-files' },
);
