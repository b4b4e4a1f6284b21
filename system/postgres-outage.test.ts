// PostgreSQL taken away under load, on a private throwaway cluster (the machine's shared server is never
// touched). First stopped (`pg_ctl stop -m immediate`): /health turns 503 JSON within 5 s, API calls
// answer 503 JSON within a bound instead of hanging, and after PostgreSQL returns the same process
// recovers; no acknowledged write is lost. Then frozen (SIGSTOP to every server process: connections are
// accepted and never answered, as with a hung server or a network that drops packets): the same bounds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  freePort,
  json,
  query,
  runTag,
  sleep,
  startApp,
  startPrivateCluster,
  until,
  waitHealthy,
  type Answer,
  type AppProcess,
  type PrivateCluster,
  countBy,
} from './harness.js';

const tag = runTag();
// The longest an API call may take while the database is away (the pool's connect timeout is 5 s).
const API_BOUND_MS = 10_000;

interface Sample {
  op: string;
  status: number;
  ms: number;
  /** Milliseconds since PostgreSQL was stopped (negative: before). */
  at: number;
  json: boolean;
  retryAfter: boolean;
  error?: string;
}

describe('PostgreSQL stopped under load (private cluster)', () => {
  let cluster: PrivateCluster;
  let app: AppProcess;
  let dataDir: string;
  let token: string;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startPrivateCluster();
    console.log(`[outage] private cluster on 127.0.0.1:${cluster.port} ready in ${Date.now() - started} ms`);
    dataDir = await mkdtemp(path.join(tmpdir(), 'blog-system-outage-'));
    app = startApp('app', await freePort(), {
      DATA_DIR: dataDir,
      DATABASE_URL: cluster.url,
      RATE_LIMIT: 'false',
    });
    await waitHealthy(app);
    const email = `outage-${tag}@example.com`;
    const created = await call(app.base, 'POST', '/api/users', {
      json: { username: `outage_${tag}`, email, password: 'outage-password' },
    });
    expect(created.status, created.text).toBe(201);
    const login = await call(app.base, 'POST', '/api/users/token', {
      form: { username: email, password: 'outage-password' },
    });
    expect(login.status, login.text).toBe(200);
    token = json<{ access_token: string }>(login).access_token;
  });

  afterAll(async () => {
    const stopped = await app?.stop();
    console.log(`[outage] app stopped: ${JSON.stringify(stopped)}`);
    await cluster?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 JSON within bounds while PostgreSQL is down, then recovers without a restart, losing no write', async () => {
    const pid = app.pid;
    const samples: Sample[] = [];
    const acknowledged = new Map<string, number>(); // content -> id, for every 201
    let stoppedAt = Number.POSITIVE_INFINITY;
    let running = true;

    const record = (op: string, answer: Answer) => {
      samples.push({
        op,
        status: answer.status,
        ms: answer.ms,
        at: Date.now() - stoppedAt,
        json: String(answer.headers['content-type']).startsWith('application/json'),
        retryAfter: answer.headers['retry-after'] !== undefined,
        error: answer.error,
      });
    };

    // Six clients writing and reading all along, each request bounded by the client at 12 s.
    const clients = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; running && i < 5_000; i += 1) {
        if (i % 3 === 0) {
          const content = `outage-${tag}-${w}-${i}`;
          const answer = await call(app.base, 'POST', '/api/posts', {
            token,
            json: { content },
            timeoutMs: 12_000,
          });
          record('write', answer);
          if (answer.status === 201) acknowledged.set(content, json<{ id: number }>(answer).id);
        } else if (i % 3 === 1) {
          record('read', await call(app.base, 'GET', '/api/posts?limit=5', { timeoutMs: 12_000 }));
        } else {
          record('me', await call(app.base, 'GET', '/api/users/me', { token, timeoutMs: 12_000 }));
        }
        await sleep(25);
      }
    });

    await sleep(2_000);
    const before = acknowledged.size;
    stoppedAt = Date.now();
    cluster.stop('immediate');
    console.log(`[outage] PostgreSQL stopped (immediate) after ${before} acknowledged writes`);

    // /health says so within 5 s, in JSON.
    const unhealthy = await until(
      '/health 503',
      5_000,
      () => call(app.base, 'GET', '/health', { timeoutMs: 5_000 }),
      (answer) => answer.status === 503,
      100,
    );
    const sinceStop = Date.now() - stoppedAt;
    console.log(`[outage] /health answered 503 ${sinceStop} ms after the stop: ${unhealthy.value.text}`);
    expect(sinceStop).toBeLessThanOrEqual(5_000);
    expect(unhealthy.value.headers['content-type']).toMatch(/^application\/json/);
    expect(json(unhealthy.value)).toEqual({ status: 'unhealthy', detail: 'Database unavailable' });

    // Each kind of API call answers 503 JSON with Retry-After, within the bound, while the database is away.
    const probes: [string, string, string, Parameters<typeof call>[3]][] = [
      ['feed', 'GET', '/api/posts', {}],
      ['one post', 'GET', '/api/posts/1', {}],
      ['write', 'POST', '/api/posts', { token, json: { content: `outage-${tag}-probe` } }],
      ['me', 'GET', '/api/users/me', { token }],
      ['users', 'GET', '/api/users', {}],
      [
        'register',
        'POST',
        '/api/users',
        { json: { username: `x_${tag}`, email: `x-${tag}@example.com`, password: 'password-x' } },
      ],
      [
        'login',
        'POST',
        '/api/users/token',
        { form: { username: `outage-${tag}@example.com`, password: 'outage-password' } },
      ],
      ['forgot', 'POST', '/api/users/forgot-password', { json: { email: `outage-${tag}@example.com` } }],
    ];
    const probeResults: string[] = [];
    for (const [name, method, url, options] of probes) {
      const answer = await call(app.base, method, url, { ...options, timeoutMs: API_BOUND_MS + 2_000 });
      probeResults.push(`${name} ${answer.status} ${answer.ms}ms`);
      expect.soft(answer.status, `${name}: ${answer.error ?? answer.text}`).toBe(503);
      expect.soft(answer.ms, `${name} took too long`).toBeLessThanOrEqual(API_BOUND_MS);
      expect.soft(answer.headers['content-type'], name).toMatch(/^application\/json/);
      expect.soft(answer.headers['retry-after'], name).toBeDefined();
      if (answer.status === 503) expect.soft(typeof json(answer).detail, name).toBe('string');
    }
    // A page of the website answers too, with HTML, within the same bound.
    const page = await call(app.base, 'GET', '/', { timeoutMs: API_BOUND_MS + 2_000 });
    probeResults.push(`page / ${page.status} ${page.ms}ms`);
    console.log(`[outage] during the outage: ${probeResults.join('; ')}`);
    expect.soft([200, 503]).toContain(page.status);
    expect.soft(page.ms).toBeLessThanOrEqual(API_BOUND_MS);
    expect.soft(page.headers['content-type']).toMatch(/^text\/html/);

    // Keep the database away for 10 s in all, so the clients hit it with a warm and then an empty pool.
    await sleep(Math.max(0, stoppedAt + 10_000 - Date.now()));
    const restartedAt = Date.now();
    cluster.start();
    console.log(`[outage] pg_ctl start issued ${restartedAt - stoppedAt} ms after the stop`);
    const healthChecks: string[] = [];
    const healthy = await until(
      '/health 200 after the restart',
      15_000,
      async () => {
        const answer = await call(app.base, 'GET', '/health', { timeoutMs: 5_000 });
        healthChecks.push(`${answer.status || answer.error} in ${answer.ms} ms`);
        return answer;
      },
      (answer) => answer.status === 200,
      100,
    );
    const recoveredAt = Date.now();
    console.log(
      `[outage] /health 200 again ${recoveredAt - restartedAt} ms after pg_ctl start was issued; checks: ${healthChecks.join(', ')}`,
    );

    // From now on, everything works, in the same process.
    const after: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const write = await call(app.base, 'POST', '/api/posts', {
        token,
        json: { content: `outage-${tag}-after-${i}` },
      });
      if (write.status === 201) acknowledged.set(`outage-${tag}-after-${i}`, json<{ id: number }>(write).id);
      const read = await call(app.base, 'GET', '/api/users/me', { token });
      after.push(`${write.status}/${read.status}`);
    }
    expect(after).toEqual(Array<string>(20).fill('201/200'));
    expect(json(healthy.value)).toEqual({ status: 'healthy' });
    await sleep(2_000);
    running = false;
    await Promise.all(clients);
    expect(app.pid).toBe(pid);
    expect(app.child.exitCode).toBeNull();

    // The load as a whole: only successes and 503 JSON; nothing hung past the bound.
    const during = samples.filter((s) => s.at >= 0 && s.at < recoveredAt - stoppedAt);
    const outsideOutage = samples.filter((s) => s.at < 0 || s.at >= recoveredAt - stoppedAt + 1_000);
    const bad = samples.filter(
      (s) => ![200, 201, 503].includes(s.status) || (s.status === 503 && (!s.json || !s.retryAfter)),
    );
    const slow = samples.filter((s) => s.ms > API_BOUND_MS);
    const failedOutside = outsideOutage.filter((s) => s.status !== 200 && s.status !== 201);
    const byStatus = (list: Sample[]) => JSON.stringify(countBy(list.map((s) => s.status)));
    console.log(
      `[outage] load: ${samples.length} requests; before the stop ${byStatus(samples.filter((s) => s.at < 0))}; ` +
        `during the outage ${byStatus(during)} (max ${Math.max(0, ...during.map((s) => s.ms))} ms); ` +
        `after recovery ${byStatus(samples.filter((s) => s.at >= recoveredAt - stoppedAt))}; ` +
        `neither success nor 503 JSON: ${bad.length}; over ${API_BOUND_MS} ms: ${slow.length}`,
    );
    if (bad.length > 0) console.log(`[outage] bad answers: ${JSON.stringify(bad.slice(0, 10))}`);
    expect(bad).toEqual([]);
    expect(slow).toEqual([]);
    expect(during.filter((s) => s.status === 503).length).toBeGreaterThan(0);
    expect(failedOutside).toEqual([]);

    // No acknowledged write is lost: every 201 is in the database with the id it was answered with.
    const rows = await query<{ id: number; content: string }>(
      cluster.url,
      'SELECT id, content FROM posts WHERE content LIKE $1',
      [`outage-${tag}-%`],
    );
    const stored = new Map(rows.map((row) => [row.content, row.id]));
    const lost = [...acknowledged].filter(([content, id]) => stored.get(content) !== id);
    const unacknowledged = rows.filter((row) => !acknowledged.has(row.content));
    console.log(
      `[outage] ${acknowledged.size} acknowledged writes checked against ${rows.length} rows: lost ${lost.length}; ` +
        `stored although not acknowledged (answered 503 or cut off): ${unacknowledged.length}`,
    );
    expect(lost).toEqual([]);
    const totals = await query<{ counted: string; counter: string }>(
      cluster.url,
      `SELECT (SELECT count(*) FROM posts) AS counted, (SELECT value FROM counters WHERE name = 'posts') AS counter`,
    );
    expect(Number(totals[0]?.counter)).toBe(Number(totals[0]?.counted));
  });

  it('answers 503 JSON within bounds while PostgreSQL is frozen (connections accepted, nothing answered), then recovers', async () => {
    // Every request of this test, the load's included, waits up to 40 s on the client, to measure the
    // app's own bound rather than the client's.
    const CLIENT_WAIT_MS = 40_000;
    const samples: { op: string; status: number; ms: number; at: number }[] = [];
    const acknowledged = new Map<string, number>();
    let frozenAt = Number.POSITIVE_INFINITY;
    let running = true;
    // Warm the pool (10 connections at most): idle connections that look alive to the app while the
    // server is frozen, as in any instance that has been serving traffic.
    await Promise.all(Array.from({ length: 30 }, () => call(app.base, 'GET', '/api/users/me', { token })));
    const clients = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; running && i < 2_000; i += 1) {
        const started = Date.now();
        const content = `frozen-${tag}-${w}-${i}`;
        const answer =
          i % 2 === 0
            ? await call(app.base, 'POST', '/api/posts', {
                token,
                json: { content },
                timeoutMs: CLIENT_WAIT_MS,
              })
            : await call(app.base, 'GET', '/api/posts?limit=5', { timeoutMs: CLIENT_WAIT_MS });
        if (answer.status === 201) acknowledged.set(content, json<{ id: number }>(answer).id);
        samples.push({
          op: i % 2 === 0 ? 'write' : 'read',
          status: answer.status,
          ms: answer.ms,
          at: started - frozenAt,
        });
        await sleep(50);
      }
    });
    await sleep(1_000);
    frozenAt = Date.now();
    const pids = cluster.freeze();
    let thawed = false;
    try {
      console.log(`[frozen] PostgreSQL frozen (SIGSTOP to ${pids.length} processes)`);
      // Requests right after the freeze, while the pool still holds idle connections that look alive.
      const names = ['feed', 'write', 'me'];
      const probing = Promise.all([
        call(app.base, 'GET', '/api/posts', { timeoutMs: CLIENT_WAIT_MS }),
        call(app.base, 'POST', '/api/posts', {
          token,
          json: { content: `frozen-${tag}-probe` },
          timeoutMs: CLIENT_WAIT_MS,
        }),
        call(app.base, 'GET', '/api/users/me', { token, timeoutMs: CLIENT_WAIT_MS }),
      ]);
      const unhealthy = await until(
        '/health 503 while frozen',
        5_000,
        () => call(app.base, 'GET', '/health', { timeoutMs: 5_000 }),
        (answer) => answer.status === 503,
        100,
      );
      const healthMs = Date.now() - frozenAt;
      console.log(`[frozen] /health answered 503 ${healthMs} ms after the freeze`);
      expect.soft(healthMs).toBeLessThanOrEqual(5_000);
      expect.soft(json(unhealthy.value)).toEqual({ status: 'unhealthy', detail: 'Database unavailable' });
      // And requests once /health has said so.
      const later = await Promise.all([
        call(app.base, 'GET', '/api/posts/1', { timeoutMs: CLIENT_WAIT_MS }),
        call(app.base, 'GET', '/api/users/me', { token, timeoutMs: CLIENT_WAIT_MS }),
      ]);
      names.push('one post (after /health 503)', 'me (after /health 503)');
      const probes = [...(await probing), ...later];
      console.log(
        `[frozen] during the freeze: ${probes.map((p, i) => `${names[i]} ${p.status || p.error} in ${p.ms} ms`).join('; ')}`,
      );
      probes.forEach((answer, i) => {
        expect.soft(answer.status, `${names[i]}: ${answer.error ?? answer.text}`).toBe(503);
        expect.soft(answer.ms, `${names[i]} took too long`).toBeLessThanOrEqual(API_BOUND_MS);
      });
    } finally {
      cluster.thaw(pids);
      thawed = true;
    }
    const thawedAt = Date.now();
    await until(
      '/health 200 after the thaw',
      15_000,
      () => call(app.base, 'GET', '/health', { timeoutMs: 5_000 }),
      (answer) => answer.status === 200,
      100,
    );
    console.log(
      `[frozen] thawed ${thawedAt - frozenAt} ms after the freeze; /health 200 again after ${Date.now() - thawedAt} ms`,
    );
    const after: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const write = await call(app.base, 'POST', '/api/posts', {
        token,
        json: { content: `frozen-${tag}-after-${i}` },
      });
      if (write.status === 201) acknowledged.set(`frozen-${tag}-after-${i}`, json<{ id: number }>(write).id);
      after.push(write.status);
    }
    running = false;
    await Promise.all(clients);
    const during = samples.filter((s) => s.at >= -2_000 && s.at < thawedAt - frozenAt);
    const sorted = during.map((s) => s.ms).sort((x, y) => x - y);
    console.log(
      `[frozen] load: ${samples.length} requests; started during the freeze (or just before) ${during.length}, by status ` +
        `${JSON.stringify(countBy(during.map((s) => s.status)))}, max ${sorted.at(-1)} ms; over ${API_BOUND_MS} ms: ` +
        `${during.filter((s) => s.ms > API_BOUND_MS).length}`,
    );
    expect(thawed).toBe(true);
    expect(after).toEqual(Array<number>(10).fill(201));
    expect(samples.filter((s) => ![200, 201, 503].includes(s.status))).toEqual([]);
    expect(samples.filter((s) => s.ms > API_BOUND_MS)).toEqual([]);
    const rows = await query<{ id: number; content: string }>(
      cluster.url,
      'SELECT id, content FROM posts WHERE content LIKE $1',
      [`frozen-${tag}-%`],
    );
    const stored = new Map(rows.map((row) => [row.content, row.id]));
    const lost = [...acknowledged].filter(([content, id]) => stored.get(content) !== id);
    console.log(
      `[frozen] ${acknowledged.size} acknowledged writes checked against ${rows.length} rows: lost ${lost.length}`,
    );
    expect(lost).toEqual([]);
  });
});
