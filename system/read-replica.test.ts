// A real streaming replica on loopback: a private primary, a hot standby made with pg_basebackup, and
// the built app with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the standby. It shows
// that read-only requests are served by the replica (the standby's own statistics count them), that a
// writer always reads their own write at once, even while the standby replays nothing, and that
// stopping the standby under load costs no request.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  countBy,
  freePort,
  json,
  query,
  runTag,
  sleep,
  startApp,
  startPrivateCluster,
  startStandby,
  until,
  waitHealthy,
  type AppProcess,
  type PrivateCluster,
} from './harness.js';

const tag = runTag();

/** Transactions committed in the `postgres` database of a server: a replica's count grows with its reads. */
async function commits(cluster: PrivateCluster): Promise<number> {
  const [row] = await query<{ n: string }>(
    cluster.url,
    "SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = 'postgres'",
  );
  return Number(row?.n ?? 0);
}

async function readsServed(app: AppProcess): Promise<Record<string, number>> {
  const metrics = await call(app.base, 'GET', '/metrics');
  const served: Record<string, number> = {};
  for (const match of metrics.text.matchAll(/^db_reads_served\{server="(\w+)"\} (\d+)/gm)) {
    served[match[1]!] = Number(match[2]);
  }
  return served;
}

describe('a streaming replica (private primary and standby)', () => {
  let primary: PrivateCluster;
  let standby: PrivateCluster;
  let app: AppProcess;
  let dataDir: string;
  let token: string;
  let userId: number;

  beforeAll(async () => {
    const started = Date.now();
    primary = await startPrivateCluster();
    standby = await startStandby(primary);
    const [recovery] = await query<{ in_recovery: boolean }>(
      standby.url,
      'SELECT pg_is_in_recovery() AS in_recovery',
    );
    expect(recovery?.in_recovery).toBe(true);
    console.log(
      `[replica] primary on :${primary.port}, standby on :${standby.port}, ready in ${Date.now() - started} ms`,
    );
    dataDir = await mkdtemp(path.join(tmpdir(), 'blog-system-replica-'));
    app = startApp('app', await freePort(), {
      DATA_DIR: dataDir,
      DATABASE_URL: primary.url,
      DATABASE_REPLICA_URL: standby.url,
      METRICS_ENABLED: 'true',
      RATE_LIMIT: 'false',
    });
    await waitHealthy(app);
    const email = `replica-${tag}@example.com`;
    const created = await call(app.base, 'POST', '/api/users', {
      json: { username: `replica_${tag}`, email, password: 'replica-password' },
    });
    expect(created.status, created.text).toBe(201);
    userId = json<{ id: number }>(created).id;
    const login = await call(app.base, 'POST', '/api/users/token', {
      form: { username: email, password: 'replica-password' },
    });
    token = json<{ access_token: string }>(login).access_token;
    // The standby has the schema and the user once it has replayed them.
    await until(
      'the standby replays the first writes',
      10_000,
      () => query<{ n: number }>(standby.url, 'SELECT count(*)::int AS n FROM users'),
      (rows) => rows[0]?.n === 1,
    );
  });

  afterAll(async () => {
    await app?.stop();
    await standby?.destroy();
    await primary?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the reads of read-only requests from the replica', async () => {
    const servedBefore = await readsServed(app);
    const commitsBefore = await commits(standby);
    for (let i = 0; i < 50; i += 1) {
      const answer = await call(app.base, 'GET', i % 2 ? '/api/posts' : '/');
      expect(answer.status).toBe(200);
    }
    const served = await readsServed(app);
    const replicaReads = (served.replica0 ?? 0) - (servedBefore.replica0 ?? 0);
    const primaryReads = (served.primary ?? 0) - (servedBefore.primary ?? 0);
    console.log(
      `[replica] 50 reads: ${replicaReads} statements on the replica, ${primaryReads} on the primary`,
    );
    expect(replicaReads).toBeGreaterThanOrEqual(50);
    expect(primaryReads).toBe(0);
    // The standby's own statistics agree: its transactions grow with the reads (a backend reports its
    // counts within seconds of going idle).
    await until(
      "the standby's statistics count the reads",
      20_000,
      () => commits(standby),
      (count) => count - commitsBefore >= replicaReads,
      500,
    );
  });

  it('shows every writer their own post at once, even while the replica replays nothing', async () => {
    await query(standby.url, 'SELECT pg_wal_replay_pause()');
    try {
      const results: string[] = [];
      let cookie = '';
      for (let i = 0; i < 20; i += 1) {
        const created = await call(app.base, 'POST', '/api/posts', {
          token,
          json: { title: `Mine ${i}`, content: `Written while the replica waits (${i})` },
        });
        expect(created.status, created.text).toBe(201);
        const { id, slug } = json<{ id: number; slug: string }>(created);
        cookie = String(created.headers['set-cookie']).split(';')[0]!;
        // An API client with its token, and a browser with the cookie (pages carry no token).
        const byToken = await call(app.base, 'GET', `/api/posts/${id}`, { token });
        const mine = await call(app.base, 'GET', `/api/users/${userId}/posts?limit=1`, { token });
        const page = await call(app.base, 'GET', `/posts/${id}/${slug}`, { headers: { cookie } });
        results.push(
          byToken.status === 200 &&
            json<{ posts: { id: number }[] }>(mine).posts[0]?.id === id &&
            page.status === 200
            ? 'seen'
            : `missed (${byToken.status}, ${mine.text.slice(0, 60)}, ${page.status})`,
        );
      }
      expect(countBy(results)).toEqual({ seen: 20 });
      // Someone else reads the replica, which is behind: the posts are not there yet.
      const stranger = await call(app.base, 'GET', '/api/posts?limit=1');
      expect(json<{ total: number }>(stranger).total).toBe(0);
    } finally {
      await query(standby.url, 'SELECT pg_wal_replay_resume()');
    }
    const caughtUp = await until(
      'a stranger sees the posts once the replica has replayed them',
      10_000,
      () => call(app.base, 'GET', '/api/posts?limit=1'),
      (answer) => json<{ total: number }>(answer).total === 20,
    );
    console.log(`[replica] the replica caught up ${caughtUp.ms} ms after replay resumed`);
  });

  it('loses no request when the replica stops under load', async () => {
    const statuses: number[] = [];
    let stopping = true;
    const load = (async () => {
      while (stopping) {
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            call(app.base, 'GET', i % 2 ? '/api/posts' : '/api/posts?limit=3', { timeoutMs: 15_000 }),
          ),
        );
        statuses.push(...answers.map((answer) => answer.status));
      }
    })();
    await sleep(1_000);
    standby.stop('immediate');
    const stoppedAt = statuses.length;
    await sleep(4_000);
    stopping = false;
    await load;
    const after = statuses.slice(stoppedAt);
    console.log(
      `[replica] ${statuses.length} reads, ${after.length} after the stop: ${JSON.stringify(countBy(statuses))}`,
    );
    expect(after.length).toBeGreaterThan(50);
    expect(countBy(statuses)).toEqual({ 200: statuses.length });
    const served = await readsServed(app);
    expect(served.primary ?? 0, 'the primary answered once the replica was gone').toBeGreaterThan(0);
  });
});
