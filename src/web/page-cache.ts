import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/database.js';
import { counters } from '../db/schema.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's answer depends on its path and the content version only: it may be kept. */
    renderCache?: boolean;
  }
}

/**
 * Public pages are the same for every visitor, so a shared cache (a CDN) may keep them briefly and then
 * revalidate. Browsers revalidate every time; the answer is a 304 whenever nothing changed.
 */
export const PAGE_CACHE_CONTROL = 'public, max-age=0, s-maxage=60, stale-while-revalidate=300';

/** Rendered pages kept per process, by the length of their text. */
const RENDER_CACHE_CHARS = 4 * 1024 * 1024;

// Identifies the code that renders the pages: a deploy changes every ETag, even with the same data.
const buildId = (() => {
  try {
    return readFileSync(new URL('../../dist/build-id', import.meta.url), 'utf8').trim();
  } catch {
    return createHash('sha256')
      .update(String(process.pid) + Date.now())
      .digest('base64url')
      .slice(0, 12);
  }
})();

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

interface RenderedPage {
  type: string;
  body: string;
}

/**
 * Hooks for page routes. The `preHandler` sets a strong ETag made of the build and the content version
 * (a counter that triggers bump in the same transaction as every change to posts or users), and answers
 * 304 before any rendering when the client already has it. A strong ETag promises the same bytes for
 * the same tag, so a route marked `renderCache` also keeps what it rendered under that tag (`onSend`)
 * and the next visitor gets it without a query or a render: the version is read before the page's own
 * queries, so a kept page is never older than its tag.
 */
export type PageCaching = ReturnType<typeof pageCaching>;

export function pageCaching(db: Database) {
  const contentVersion = db
    .select({ value: counters.value })
    .from(counters)
    .where(eq(counters.name, 'content_version'))
    .prepare('content_version');
  const rendered = new LRUCache<string, RenderedPage>({
    maxSize: RENDER_CACHE_CHARS,
    sizeCalculation: (page) => page.body.length + page.type.length,
  });
  // The pages marked for the cache ignore their query string.
  const keyOf = (request: FastifyRequest, etag: string) => `${etag} ${request.url.split('?', 1)[0]}`;

  return {
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      const [row] = await contentVersion.execute();
      const etag = `"${buildId}.${row?.value ?? 0}"`;
      reply.header('etag', etag).header('cache-control', PAGE_CACHE_CONTROL);
      if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      const page = request.routeOptions.config.renderCache ? rendered.get(keyOf(request, etag)) : undefined;
      if (page) return reply.type(page.type).send(page.body);
    },

    onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const etag = reply.getHeader('etag');
      if (
        request.routeOptions.config.renderCache &&
        reply.statusCode === 200 &&
        typeof payload === 'string' &&
        typeof etag === 'string'
      ) {
        const key = keyOf(request, etag);
        if (!rendered.has(key))
          rendered.set(key, { type: String(reply.getHeader('content-type')), body: payload });
      }
      return payload;
    },
  };
}
