import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import etag from '@fastify/etag';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import type { Counters } from '../database/counters.js';
import { projectPath } from '../paths.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The answer depends on the path, the validated query and the content version only, so it is the
     * same for every visitor: `etag` answers a conditional request with 304 before the handler runs;
     * `rendered` also keeps the body it sent under its ETag and sends it again without running the
     * handler. For pages and for the API's public reads alike.
     */
    pageCache?: 'etag' | 'rendered';
    /**
     * For a signed-in route whose answer is the caller's own (a personal feed): what of the caller,
     * besides the content version, the answer depends on, read from the user row authentication
     * loaded. The ETag carries it and the body is kept privately, per caller, in a cache of its own.
     */
    perCaller?: (request: FastifyRequest) => string;
  }
}

/**
 * Public pages are the same for every visitor, so a shared cache (a CDN) may keep them for a minute.
 * Browsers revalidate on every visit (no max-age, no stale-while-revalidate: a new comment shows on the
 * next visit); the answer is a 304 whenever nothing changed.
 */
export const PAGE_CACHE_CONTROL = 'public, max-age=0, s-maxage=60';

/** Rendered pages and API bodies kept per process, by the length of their text. */
const RENDER_CACHE_CHARS = 8 * 1024 * 1024;
/** Answers kept for one caller each: a cache apart, so that many readers cannot push out the shared pages. */
const PER_CALLER_CACHE_CHARS = 4 * 1024 * 1024;

// Identifies the code that renders the pages: a deploy changes every ETag, even with the same data.
const buildId = (() => {
  try {
    return readFileSync(projectPath('dist', 'build-id'), 'utf8').trim();
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

/** A signed-in caller of a route that may show them more than others (access.ts: `optional-auth`). */
function answersTheCallerAlone(request: FastifyRequest): boolean {
  return (
    request.routeOptions.config.access === 'optional-auth' && request.headers.authorization !== undefined
  );
}

interface RenderedPage {
  type: string;
  body: string;
}

/**
 * Conditional GETs. For the routes that ask for it (`config: { pageCache }`), ETags and the render
 * cache: the ETag is made of the build and the content version, a counter that triggers bump in the
 * same transaction as every change to a table declared `shownOnPages` (platform/database/derived.ts),
 * so it is known before the route runs. Every other answer gets an ETag of its body. A strong ETag
 * promises the same bytes for the same tag, so what a `rendered` route sent is kept under it: the
 * version is read before the route's own queries, so a kept page is never older than its tag.
 */
export default fp(
  async function pageCache(app: FastifyInstance, options: { counters: Counters }) {
    const cacheOf = (maxSize: number) =>
      new LRUCache<string, RenderedPage>({
        maxSize,
        sizeCalculation: (page) => page.body.length + page.type.length,
      });
    const shared = cacheOf(RENDER_CACHE_CHARS);
    const perCaller = cacheOf(PER_CALLER_CACHE_CHARS);
    const cacheFor = (request: FastifyRequest) =>
      request.routeOptions.config.perCaller ? perCaller : shared;
    // The validated query (defaults filled in, unknown parameters dropped) for routes that read one, so
    // that `?limit=10` and no query share an entry and made-up parameters cannot fill the cache; pages
    // without a query ignore theirs.
    const keyOf = (request: FastifyRequest, etag: string) => {
      const path = request.url.split('?', 1)[0];
      const schema = request.routeOptions.schema?.querystring as { properties?: object } | undefined;
      if (!schema?.properties) return `${etag} ${path}`;
      const query = request.query as Record<string, unknown>;
      return `${etag} ${path} ${JSON.stringify(Object.keys(schema.properties).map((name) => query[name]))}`;
    };

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const mode = request.routeOptions.config.pageCache;
      if (mode === undefined) return;
      const caller = request.routeOptions.config.perCaller?.(request);
      if (caller === undefined && answersTheCallerAlone(request)) {
        reply.header('cache-control', 'private, no-cache');
        return;
      }
      const version = await options.counters.contentVersion();
      const etag = caller === undefined ? `"${buildId}.${version}"` : `"${buildId}.${version}.${caller}"`;
      reply
        .header('etag', etag)
        .header('cache-control', caller === undefined ? PAGE_CACHE_CONTROL : 'private, no-cache');
      if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      const page = mode === 'rendered' ? cacheFor(request).get(keyOf(request, etag)) : undefined;
      if (page) return reply.type(page.type).send(page.body);
    });

    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const etag = reply.getHeader('etag');
      if (
        request.routeOptions.config.pageCache === 'rendered' &&
        !answersTheCallerAlone(request) &&
        reply.statusCode === 200 &&
        typeof payload === 'string' &&
        typeof etag === 'string'
      ) {
        const key = keyOf(request, etag);
        const cache = cacheFor(request);
        if (!cache.has(key)) cache.set(key, { type: String(reply.getHeader('content-type')), body: payload });
      }
      return payload;
    });

    // Every other answer's ETag is a hash of its body, so that clients can revalidate it too. Its
    // plugin's own 304 sends an empty body that Fastify gives a `Content-Length: 0` (RFC 9110, section
    // 8.6: not on a 304), answers other methods too and compares If-None-Match whole rather than tag by
    // tag; the 304 is answered here instead, with no body at all. Streams (static files) are left to
    // their own plugin, which compares the tags before it opens the file.
    await app.register(etag, { replyWith304: false });
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const tag = reply.getHeader('etag');
      if (
        reply.statusCode !== 200 ||
        (typeof payload !== 'string' && !Buffer.isBuffer(payload)) ||
        (request.method !== 'GET' && request.method !== 'HEAD') ||
        typeof tag !== 'string' ||
        !matches(request.headers['if-none-match'], tag)
      ) {
        return payload;
      }
      reply.code(304);
      return null;
    });
  },
  { name: 'page-cache' },
);
