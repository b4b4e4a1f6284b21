import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import { formatLsn, parseLsn, type ReadRouter } from '../database/read-routing.js';

/** How long after a write its client keeps reading from the primary, at most. */
export const READ_YOUR_WRITES_SECONDS = 30;
export const READ_AFTER_COOKIE = 'read_after';

const COOKIE = new RegExp(`(?:^|;\\s*)${READ_AFTER_COOKIE}=([0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8})(?:;|$)`);

/** The user id a bearer token names, read without checking the signature: it only picks a server. */
function claimedUser(authorization: string | undefined): number | undefined {
  const payload = /^bearer\s+[\w-]+\.([\w-]+)\.[\w-]*$/i.exec(authorization ?? '')?.[1];
  if (!payload) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && /^\d{1,10}$/.test(sub) ? Number(sub) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * With read replicas (DATABASE_REPLICA_URL), a read-only request reads from a replica, except what its
 * client just wrote: every successful write answers with the primary's WAL position, in a cookie (for
 * browsers, whatever instance they reach next) and in this instance's memory for the writer's user id
 * (for API clients that keep no cookies). A later read of that client waits for no replica: it goes to
 * the primary until a replica has replayed that position, or the bound has passed.
 */
export default fp(
  async function readYourWrites(app: FastifyInstance, options: { router: ReadRouter }) {
    const { router } = options;
    if (!router.hasReplicas) return;
    const recentWrites = new LRUCache<number, bigint>({
      max: 100_000,
      ttl: READ_YOUR_WRITES_SECONDS * 1000,
    });
    const reads = new Set(['GET', 'HEAD']);

    app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
      if (!reads.has(request.method)) return done();
      const fromCookie = COOKIE.exec(request.headers.cookie ?? '')?.[1];
      const user = claimedUser(request.headers.authorization);
      const positions = [
        fromCookie === undefined ? undefined : parseLsn(fromCookie),
        user === undefined ? undefined : recentWrites.get(user),
      ].filter((position): position is bigint => position !== undefined);
      const after = positions.length ? positions.reduce((a, b) => (a > b ? a : b)) : undefined;
      router.allowReplica(after, done);
    });

    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reads.has(request.method) || reply.statusCode >= 400) return payload;
      const position = await router.primaryPosition();
      const secure = request.protocol === 'https' ? '; Secure' : '';
      reply.header(
        'set-cookie',
        `${READ_AFTER_COOKIE}=${formatLsn(position)}; Path=/; Max-Age=${READ_YOUR_WRITES_SECONDS}; HttpOnly; SameSite=Lax${secure}`,
      );
      const writer = (request as { user?: { id?: unknown } | null }).user?.id;
      if (typeof writer === 'number') recentWrites.set(writer, position);
      return payload;
    });
  },
  { name: 'read-your-writes' },
);
