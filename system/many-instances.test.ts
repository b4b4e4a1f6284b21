// Two app processes on the machine's PostgreSQL and Redis, behind nginx, started at the same moment on an
// empty database: migrations run once, tokens and their revocation hold across instances, the login
// limit is shared, 2,000 mixed requests through the balancer, and a reset mail delivered exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIS_URL,
  call,
  createDatabase,
  freePort,
  json,
  mailTo,
  migrationJournal,
  query,
  runTag,
  sleep,
  startApp,
  startSmtpSink,
  startNginx,
  until,
  waitHealthy,
  errorLogLines,
  type Answer,
  type AppProcess,
  type Balancer,
  type SmtpSink,
  countBy,
  percentile,
} from './harness.js';

const tag = runTag();
// Simulated clients come from their own addresses (X-Forwarded-For), in a /16 picked for this run.
const subnet = `10.${(parseInt(tag.slice(0, 2), 16) % 250) + 1}.${parseInt(tag.slice(2, 4), 16)}`;
const clientAddress = (n: number) => `${subnet}.${(n % 250) + 1}`;
const xff = (n: number) => ({ 'x-forwarded-for': clientAddress(n) });

interface Client {
  n: number;
  id: number;
  email: string;
  password: string;
  token: string;
  posts: number[];
}

describe('two instances behind nginx, on one PostgreSQL and one Redis', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let mail: SmtpSink;
  let a: AppProcess;
  let b: AppProcess;
  let lb: Balancer;
  let dataDirs: string[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await createDatabase();
    mail = await startSmtpSink();
    const [portA, portB] = [await freePort(), await freePort()];
    dataDirs = [
      await mkdtemp(path.join(tmpdir(), 'blog-system-a-')),
      await mkdtemp(path.join(tmpdir(), 'blog-system-b-')),
    ];
    const env = (dataDir: string) => ({
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      REDIS_URL,
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT: 'true',
      RATE_LIMIT_LOGIN: '10/1m',
      MAIL_SERVER: '127.0.0.1',
      MAIL_PORT: String(mail.port),
    });
    // Both at the same moment, on an empty database: the migration lock decides who migrates.
    a = startApp('instance A', portA, env(dataDirs[0]!));
    b = startApp('instance B', portB, env(dataDirs[1]!));
    const [upA, upB] = await Promise.all([waitHealthy(a), waitHealthy(b)]);
    console.log(`[many] both instances started together: A healthy after ${upA} ms, B after ${upB} ms`);
    lb = await startNginx([portA, portB]);
    console.log(`[many] nginx on 127.0.0.1:${lb.port} -> ${portA}, ${portB}; clients from ${subnet}.0/24`);
  });

  afterAll(async () => {
    await lb?.stop();
    const stops = await Promise.all([a?.stop(), b?.stop()]);
    console.log(`[many] instances stopped: ${JSON.stringify(stops)}`);
    for (const app of [a, b]) {
      const errors = app ? errorLogLines(app) : [];
      if (errors.length > 0)
        console.log(`[many] ${app.name} logged ${errors.length} errors:\n${errors.slice(0, 5).join('\n')}`);
    }
    await mail?.close();
    await database?.drop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      for (const pattern of [`blog:*${subnet}.*`, `blog:*${tag}*`]) {
        const keys: string[] = [];
        let cursor = '0';
        for (let i = 0; i < 1_000; i += 1) {
          const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          keys.push(...found);
          cursor = next;
          if (cursor === '0') break;
        }
        if (keys.length > 0) await redis.del(...keys);
      }
    } finally {
      redis.disconnect();
    }
  });

  async function register(base: string, n: number): Promise<Client> {
    const email = `user${n}-${tag}@example.com`;
    const password = `password-${tag}-${n}`;
    const created = await call(base, 'POST', '/api/users', {
      json: { username: `u${n}_${tag}`, email, password },
      headers: xff(n),
    });
    expect(created.status, created.text).toBe(201);
    const token = await logIn(base, n, email, password);
    return { n, id: json<{ id: number }>(created).id, email, password, token, posts: [] };
  }

  async function logIn(base: string, n: number, email: string, password: string): Promise<string> {
    const answer = await call(base, 'POST', '/api/users/token', {
      form: { username: email, password },
      headers: xff(n),
    });
    expect(answer.status, answer.text).toBe(200);
    return json<{ access_token: string }>(answer).access_token;
  }

  const me = (base: string, token: string) => call(base, 'GET', '/api/users/me', { token });

  it('runs the migrations exactly once and brings both instances up', async () => {
    const journal = migrationJournal();
    const rows = await query<{ hash: string; created_at: string }>(
      database.url,
      'SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id',
    );
    console.log(
      `[many] ${rows.length} rows in drizzle.__drizzle_migrations for ${journal.length} migration files`,
    );
    expect(rows).toHaveLength(journal.length);
    expect(rows.map((row) => Number(row.created_at))).toEqual(journal.map((entry) => entry.when));
    expect(new Set(rows.map((row) => row.hash)).size).toBe(journal.length);
    // A second, racing run would have failed on objects that already exist, and that instance with it.
    expect([...errorLogLines(a), ...errorLogLines(b)]).toEqual([]);
    for (const app of [a, b]) {
      const health = await call(app.base, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(json(health)).toEqual({ status: 'healthy' });
    }
  });

  it('accepts a token issued by one instance on the other; a password change on one revokes on both', async () => {
    const user = await register(a.base, 1);
    const fromA = user.token;
    const fromB = await logIn(b.base, 1, user.email, user.password);
    for (const [token, app] of [
      [fromA, b],
      [fromB, a],
      [fromA, a],
      [fromB, b],
    ] as const) {
      const answer = await me(app.base, token);
      expect(answer.status, `${app.name}: ${answer.text}`).toBe(200);
      expect(json(answer).id).toBe(user.id);
    }

    const changed = await call(b.base, 'PATCH', '/api/users/me/password', {
      token: fromA,
      json: { current_password: user.password, new_password: `${user.password}-changed` },
    });
    expect(changed.status, changed.text).toBe(200);
    const fresh = json<{ access_token: string }>(changed).access_token;
    for (const app of [a, b]) {
      for (const old of [fromA, fromB]) {
        const revoked = await me(app.base, old);
        expect(revoked.status, `${app.name} still accepts a revoked token`).toBe(401);
        expect(json(revoked)).toEqual({ detail: 'Invalid authentication credentials.' });
      }
      expect((await me(app.base, fresh)).status).toBe(200);
    }
    // The new password works through the balancer, the old one does not.
    user.password = `${user.password}-changed`;
    user.token = await logIn(lb.base, 1, user.email, user.password);
    clients.push(user);
  });

  it('shares the login rate limit across both instances (10 a minute per address, not per instance)', async () => {
    const address = clientAddress(200);
    const attempts: { status: number; upstream: string }[] = [];
    for (let i = 0; i < 16; i += 1) {
      const answer = await call(lb.base, 'POST', '/api/users/token', {
        form: { username: `nobody${i}-${tag}@example.com`, password: 'wrong-password' },
        headers: { 'x-forwarded-for': address },
      });
      attempts.push({ status: answer.status, upstream: String(answer.headers['x-upstream']) });
      if (answer.status === 429) {
        expect(json(answer)).toEqual({ detail: 'Too many requests. Try again later.' });
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    const statuses = attempts.map((attempt) => attempt.status);
    console.log(
      `[many] login attempts through nginx from one address: ${statuses.join(',')}; upstreams of the 401s: ${JSON.stringify(
        countBy(attempts.filter((x) => x.status === 401).map((x) => x.upstream)),
      )}`,
    );
    expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(6).fill(429)]);
    // The ten that passed were spread over both instances: per-instance counters would have let 20 pass.
    expect(new Set(attempts.slice(0, 10).map((x) => x.upstream)).size).toBe(2);
    expect(new Set(attempts.slice(10).map((x) => x.upstream)).size).toBe(2);

    // The per-account lock (5 failures per 15 minutes) is shared too: failures alternate between instances.
    const victim = clients[0]!;
    const lockStatuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const app = i % 2 === 0 ? a : b;
      const answer = await call(app.base, 'POST', '/api/users/token', {
        form: { username: victim.email, password: `wrong-${i}` },
        headers: xff(210 + i),
      });
      lockStatuses.push(answer.status);
    }
    for (const app of [a, b]) {
      const locked = await call(app.base, 'POST', '/api/users/token', {
        form: { username: victim.email, password: victim.password },
        headers: xff(220),
      });
      lockStatuses.push(locked.status);
    }
    console.log(
      `[many] account lock, failures alternating A/B then the right password on A and B: ${lockStatuses.join(',')}`,
    );
    expect(lockStatuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      await redis.del(`blog:login-failures:${victim.email}`);
    } finally {
      redis.disconnect();
    }
  });

  it('serves 2,000 mixed requests through the balancer without a 5xx; every created post exists exactly once', async () => {
    const started = Date.now();
    for (let n = 2; n <= 20; n += 1) clients.push(await register(lb.base, n));
    console.log(`[many] 19 more users registered and logged in through nginx in ${Date.now() - started} ms`);

    const total = 2_000;
    const concurrency = 24;
    const created = new Map<string, number>(); // content -> id acknowledged with 201
    const results: {
      op: string;
      status: number;
      expected: number;
      upstream: string;
      ms: number;
      error?: string;
    }[] = [];
    let next = 0;
    const sequence = [
      'create',
      'create',
      'feed',
      'read',
      'like',
      'me',
      'user-posts',
      'edit',
      'create',
      'page',
    ];

    async function one(i: number): Promise<void> {
      const client = clients[i % clients.length]!;
      const op = sequence[i % sequence.length]!;
      const anyPost = [...created.values()][i % Math.max(1, created.size)];
      const ownPost = client.posts[i % Math.max(1, client.posts.length)];
      let answer: Answer;
      let expected = 200;
      const auth = { token: client.token, headers: xff(client.n) };
      if (op === 'create' || (op === 'edit' && ownPost === undefined)) {
        const content = `sys-${tag}-post-${i}`;
        answer = await call(lb.base, 'POST', '/api/posts', {
          ...auth,
          json: { title: `Post ${i}`, content },
        });
        expected = 201;
        if (answer.status === 201) {
          const id = json<{ id: number }>(answer).id;
          created.set(content, id);
          client.posts.push(id);
        }
      } else if (op === 'feed') {
        answer = await call(lb.base, 'GET', '/api/posts?limit=20', { headers: xff(client.n) });
      } else if (op === 'read' && anyPost !== undefined) {
        answer = await call(lb.base, 'GET', `/api/posts/${anyPost}`, { headers: xff(client.n) });
      } else if (op === 'like' && anyPost !== undefined) {
        answer = await call(lb.base, 'POST', `/api/posts/${anyPost}/like`, auth);
      } else if (op === 'me') {
        answer = await call(lb.base, 'GET', '/api/users/me', auth);
      } else if (op === 'user-posts') {
        answer = await call(lb.base, 'GET', `/api/users/${client.id}/posts?limit=5`, {
          headers: xff(client.n),
        });
      } else if (op === 'edit') {
        answer = await call(lb.base, 'PATCH', `/api/posts/${ownPost}`, {
          ...auth,
          json: { title: `Edited ${i}` },
        });
      } else if (op === 'page') {
        answer = await call(lb.base, 'GET', '/', { headers: xff(client.n) });
      } else {
        answer = await call(lb.base, 'GET', '/health', { headers: xff(client.n) });
      }
      results.push({
        op,
        status: answer.status,
        expected,
        upstream: String(answer.headers['x-upstream']),
        ms: answer.ms,
        error: answer.error ?? (answer.status === expected ? undefined : answer.text.slice(0, 200)),
      });
    }

    const loadStarted = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < total; i = next++) await one(i);
      }),
    );
    const seconds = (Date.now() - loadStarted) / 1000;
    const latencies = results.map((r) => r.ms).sort((x, y) => x - y);
    const serverErrors = results.filter((r) => r.status >= 500);
    const noAnswer = results.filter((r) => r.status === 0);
    const unexpected = results.filter((r) => r.status !== r.expected);
    console.log(
      `[many] ${results.length} requests through nginx in ${seconds.toFixed(1)} s (${Math.round(results.length / seconds)}/s, ` +
        `${concurrency} at a time); by status ${JSON.stringify(countBy(results.map((r) => r.status)))}; ` +
        `by upstream ${JSON.stringify(countBy(results.map((r) => r.upstream)))}; 5xx: ${serverErrors.length}; ` +
        `no answer: ${noAnswer.length}; p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, ` +
        `max ${latencies.at(-1)} ms`,
    );
    if (unexpected.length > 0)
      console.log(`[many] unexpected answers: ${JSON.stringify(unexpected.slice(0, 10))}`);
    expect(results).toHaveLength(total);
    expect(serverErrors).toEqual([]);
    expect(noAnswer).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(new Set(results.map((r) => r.upstream)).size).toBe(2);

    // Every acknowledged post is in the database exactly once, with the id it was acknowledged with.
    const rows = await query<{ id: number; content: string }>(
      database.url,
      `SELECT id, content FROM posts WHERE content LIKE $1`,
      [`sys-${tag}-post-%`],
    );
    const byContent = countBy(rows.map((row) => row.content));
    const duplicates = Object.entries(byContent).filter(([, count]) => count !== 1);
    const missing = [...created.entries()].filter(
      ([content, id]) => !rows.some((r) => r.content === content && r.id === id),
    );
    console.log(
      `[many] ${created.size} posts acknowledged with 201; ${rows.length} rows in the database; duplicates: ${duplicates.length}; missing: ${missing.length}`,
    );
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
    expect(rows).toHaveLength(created.size);

    // And the feed, paged with its cursor through the balancer, lists each of them exactly once.
    const seen = new Map<number, number>();
    let cursor: string | null = '';
    let pages = 0;
    for (; cursor !== null && pages < 200; pages += 1) {
      const answer = await call(
        lb.base,
        'GET',
        `/api/posts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(answer.status, answer.text).toBe(200);
      const page = json<{ posts: { id: number }[]; next_cursor: string | null; total: number }>(answer);
      for (const post of page.posts) seen.set(post.id, (seen.get(post.id) ?? 0) + 1);
      cursor = page.next_cursor;
    }
    const ids = [...created.values()];
    console.log(`[many] feed paged through nginx: ${pages} pages, ${seen.size} distinct posts`);
    expect(ids.filter((id) => seen.get(id) !== 1)).toEqual([]);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });

  it('delivers a reset mail requested through the balancer exactly once', async () => {
    const requesters = clients.slice(0, 10);
    const requested = await Promise.all(
      requesters.map((client) =>
        call(lb.base, 'POST', '/api/users/forgot-password', {
          json: { email: client.email },
          headers: xff(client.n),
        }),
      ),
    );
    expect(requested.map((answer) => answer.status)).toEqual(requesters.map(() => 202));
    const started = Date.now();
    const addresses = new Set(requesters.map((client) => client.email.toLowerCase()));
    const ours = () => mail.mails().filter((m) => mailTo(m).some((to) => addresses.has(to)));
    const { ms } = await until(
      'all reset mails delivered',
      30_000,
      async () => ours().length,
      (n) => n >= 10,
    );
    // Both workers poll every 2 s: a few more rounds would show a second delivery.
    await sleep(7_000);
    const delivered = ours();
    const perAddress = countBy(delivered.flatMap((m) => mailTo(m)));
    const jobsLeft = await query<{ n: string }>(database.url, 'SELECT count(*) AS n FROM jobs');
    console.log(
      `[many] ${requesters.length} reset mails requested through nginx; ${delivered.length} delivered ` +
        `(all within ${ms} ms, then watched 7 s more); per address ${JSON.stringify(Object.values(perAddress))}; ` +
        `jobs left: ${jobsLeft[0]?.n}; ${Date.now() - started} ms`,
    );
    expect(delivered).toHaveLength(requesters.length);
    for (const client of requesters) expect(perAddress[client.email.toLowerCase()]).toBe(1);
    expect(Number(jobsLeft[0]?.n)).toBe(0);

    // The mail is the real one, and its token works once, on either instance.
    const first = delivered.find((m) => mailTo(m).includes(requesters[1]!.email.toLowerCase()))!;
    expect(first.subject).toBe('Password Reset Request');
    expect(typeof first.html).toBe('string');
    const token = /http:\/\/blog\.test\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(first.text ?? '')?.[1];
    expect(token).toBeDefined();
    const reset = await call(b.base, 'POST', '/api/users/reset-password', {
      json: { token, new_password: 'a-brand-new-password' },
      headers: xff(230),
    });
    expect(reset.status, reset.text).toBe(200);
    const again = await call(a.base, 'POST', '/api/users/reset-password', {
      json: { token, new_password: 'another-new-password' },
      headers: xff(231),
    });
    expect(again.status).toBe(400);
    expect(json(again)).toEqual({ detail: 'Invalid or expired reset token.' });
    expect((await me(a.base, requesters[1]!.token)).status).toBe(401);
  });

  it('stops both instances with exit code 0 on SIGTERM', async () => {
    await lb.stop();
    const stops = await Promise.all([a.stop(), b.stop()]);
    expect(stops).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });
});
