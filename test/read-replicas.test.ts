// The routing of reads to replicas (DATABASE_REPLICA_URL), on the real PostgreSQL server. Two stand-ins
// for a replica: the primary's own database under a second URL (it answers, but as a primary it has
// replayed nothing, so it is never "past" a write), and an address where nothing listens. The system
// tier runs a real streaming replica (system/read-replica.test.ts).
import { describe, expect, it } from 'vitest';
import { READ_AFTER_COOKIE } from '../src/platform/http/read-your-writes.js';
import { TEST_DATABASE_URL, createTestApp, signUp, type TestApp } from './support/index.js';

/** The database URL of a test app on the server, under another name (a second pool, as a replica gets). */
function sameDatabaseAgain(t: TestApp): string {
  const config = t.app.config.database;
  if (config.kind !== 'postgres') throw new Error('needs PostgreSQL');
  const url = new URL(config.url);
  url.searchParams.set('application_name', 'replica-stand-in');
  return url.toString();
}

describe.skipIf(!TEST_DATABASE_URL)('reads and replicas', () => {
  it('sends the reads of read-only requests to the replica, and a writer’s next reads to the primary', async () => {
    // A first app only to learn its database's URL; the second one reads it as its replica too.
    const base = await createTestApp();
    const url = sameDatabaseAgain(base);
    const config = base.app.config.database;
    if (config.kind !== 'postgres') throw new Error('needs PostgreSQL');
    const t = await createTestApp({ DATABASE_URL: config.url, DATABASE_REPLICA_URL: url });
    try {
      const { served } = t.app.database.router;
      const writer = await signUp(t.app);
      const before = { primary: served.primary, replica: served.replicas[0]! };
      const anonymous = await t.app.inject('/api/posts');
      expect(anonymous.statusCode).toBe(200);
      expect(served.replicas[0]! - before.replica, 'an anonymous read goes to the replica').toBeGreaterThan(
        0,
      );
      expect(anonymous.headers['set-cookie']).toBeUndefined();

      const created = await t.app.inject({
        method: 'POST',
        url: '/api/posts',
        headers: writer.headers,
        payload: { content: 'read me back' },
      });
      expect(created.statusCode).toBe(201);
      const cookie = String(created.headers['set-cookie']);
      expect(cookie).toMatch(
        new RegExp(`^${READ_AFTER_COOKIE}=[0-9A-F]+/[0-9A-F]+; Path=/; Max-Age=30; HttpOnly`),
      );
      const postId = created.json<{ id: number }>().id;

      // The stand-in replays nothing: whoever wrote reads from the primary, by token or by cookie.
      const replicaReads = served.replicas[0]!;
      const byToken = await t.app.inject({ url: `/api/posts/${postId}`, headers: writer.headers });
      expect(byToken.statusCode).toBe(200);
      const byCookie = await t.app.inject({
        url: `/posts/${postId}/${created.json<{ slug: string }>().slug}`,
        headers: { cookie: cookie.split(';')[0]! },
      });
      expect(byCookie.statusCode).toBe(200);
      expect(served.replicas[0], 'no read of the writer went to the replica').toBe(replicaReads);
    } finally {
      await t.close();
      await base.close();
    }
  });

  it('reads from the primary when the replica cannot be reached, and no request fails', async () => {
    const base = await createTestApp();
    const config = base.app.config.database;
    if (config.kind !== 'postgres') throw new Error('needs PostgreSQL');
    const t = await createTestApp({
      DATABASE_URL: config.url,
      DATABASE_REPLICA_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await t.app.inject('/api/posts')).statusCode);
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect(t.app.database.router.served.replicas[0]).toBe(0);
    } finally {
      await t.close();
      await base.close();
    }
  });
});
