import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Headers of SPEC section 6 on every response: routes, 404s, errors and static files alike, because
 * helmet sets them in an `onRequest` hook, before anything can fail.
 */
export default fp(
  async function securityHeaders(app: FastifyInstance, options: { imageOrigins: string[] }) {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          baseUri: ["'self'"],
          connectSrc: ["'self'"],
          fontSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'self'"],
          imgSrc: ["'self'", 'data:', ...options.imageOrigins],
          manifestSrc: ["'self'"],
          objectSrc: ["'none'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'"],
        },
      },
      frameguard: { action: 'sameorigin' },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      // Sent below, and only over HTTPS: over plain HTTP the header is meaningless and misleading.
      strictTransportSecurity: false,
      // Pictures may come from another origin (S3 or a CDN).
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-site' },
    });

    app.addHook('onRequest', async (request, reply) => {
      // `protocol` believes X-Forwarded-Proto only from proxies trusted by TRUST_PROXY.
      if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
      // The reset page carries its token in the URL: no other site may learn it from a Referer.
      if (request.url === '/reset-password' || request.url.startsWith('/reset-password?')) {
        reply.header('referrer-policy', 'no-referrer');
      }
    });
  },
  { name: 'security-headers' },
);
