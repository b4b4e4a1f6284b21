import rateLimit from '@fastify/rate-limit';
import { httpErrors } from '@fastify/sensible';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { RateLimit } from '../config.js';

export const TOO_MANY_REQUESTS = 'Too many requests. Try again later.';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A limit shared by every route that names the same group (see `rateLimited`). */
    sharedRateLimit?: { group: string; limit: RateLimit };
  }
}

type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Limits apply only to the routes that ask for one (`config: rateLimited(...)`). The key is the client
 * address: the socket's peer, or the X-Forwarded-For entry picked by TRUST_PROXY. Counters live in
 * memory, or in Redis when REDIS_URL is set.
 *
 * A limit belongs to a group, not to a route: every route of the group counts against the same counter,
 * so a second address for the same action (the RealWorld API's sign-up beside ours) is no way around it.
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

    const groups = new Map<string, LimitHook>();
    const hookOf = (group: string, limit: RateLimit): LimitHook => {
      let hook = groups.get(group);
      if (!hook) {
        hook = app.rateLimit({
          max: limit.max,
          timeWindow: limit.windowMs,
          // The group is part of the key: each group has counters of its own, in memory and in Redis.
          keyGenerator: (request) => `${group}:${request.ip}`,
        }) as LimitHook;
        groups.set(group, hook);
      }
      return hook;
    };
    app.addHook('onRoute', (route: RouteOptions) => {
      const shared = route.config?.sharedRateLimit;
      if (!shared) return;
      const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
      route.onRequest = [...own, hookOf(shared.group, shared.limit)];
    });
  },
  { name: 'rate-limits' },
);

/**
 * Route config for the limit of a group of routes (`register`, `login`...), or none when limits are
 * off (`RATE_LIMIT=false`).
 */
export function rateLimited(
  group: string,
  limit: RateLimit | undefined,
): { sharedRateLimit?: { group: string; limit: RateLimit } } {
  return limit ? { sharedRateLimit: { group, limit } } : {};
}
