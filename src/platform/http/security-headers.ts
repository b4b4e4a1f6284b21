import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * The headers helmet sets for a configuration. They depend on nothing in the request, so they are
 * computed once, by running helmet's middleware against a response that records them (@fastify/helmet
 * builds the middleware again for every request: 3% of a feed request's CPU time).
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: () => undefined,
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * Headers of SPEC section 6 on every response: routes, 404s, errors and static files alike, because
 * they are set in an `onRequest` hook, before anything can fail.
 */
export default fp(
  async function securityHeaders(app: FastifyInstance, options: { imageOrigins: string[] }) {
    const headers = helmetHeaders({
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
      reply.headers(headers);
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
