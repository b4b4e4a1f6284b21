import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import { httpErrors } from '@fastify/sensible';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { RateLimit } from '../config.js';

export const TOO_MANY_REQUESTS = 'Too many requests. Try again later.';

/**
 * Limits apply only to the routes that ask for one (`config: rateLimited(...)`). The key is the client
 * address: the socket's peer, or the X-Forwarded-For entry picked by TRUST_PROXY. Counters live in
 * memory, or in Redis when REDIS_URL is set.
 */
export default fp(
  async function rateLimits(app: FastifyInstance, options: { redis: Redis | undefined }) {
    await app.register(rateLimit, {
      global: false,
      // With Redis, every instance counts against the same limits; an unreachable Redis lets requests
      // through rather than failing them.
      redis: options.redis,
      nameSpace: 'blog:rate-limit:',
      skipOnError: true,
      errorResponseBuilder: () => httpErrors.tooManyRequests(TOO_MANY_REQUESTS),
    });
  },
  { name: 'rate-limits' },
);

/** Route config for a limit, or none when limits are off (`RATE_LIMIT=false`). */
export function rateLimited(limit: RateLimit | undefined): { rateLimit?: RateLimitOptions } {
  return limit ? { rateLimit: { max: limit.max, timeWindow: limit.windowMs } } : {};
}
