import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.js';
import { counters } from '../db/schema.js';

/**
 * Public pages are the same for every visitor, so a shared cache (a CDN) may keep them briefly and then
 * revalidate. Browsers revalidate every time; the answer is a 304 whenever nothing changed.
 */
export const PAGE_CACHE_CONTROL = 'public, max-age=0, s-maxage=60, stale-while-revalidate=300';

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

/**
 * A `preHandler` for page routes: sets a strong ETag made of the build and the content version (a
 * counter that triggers bump on every change to posts or users), and answers 304 before any rendering
 * when the client already has it.
 */
export function conditionalGet(db: Database) {
  const contentVersion = db
    .select({ value: counters.value })
    .from(counters)
    .where(eq(counters.name, 'content_version'))
    .prepare('content_version');
  return async function (request: FastifyRequest, reply: FastifyReply) {
    const [row] = await contentVersion.execute();
    const etag = `"${buildId}.${row?.value ?? 0}"`;
    reply.header('etag', etag).header('cache-control', PAGE_CACHE_CONTROL);
    if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  };
}
