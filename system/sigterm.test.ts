// SIGTERM while 200 requests are in flight, on PostgreSQL and on the embedded PGlite: every request the
// server had accepted and read completes with its success, the process exits 0 within the bound, and
// every acknowledged write is stored whole.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  countBy,
  errorLogLines,
  createDatabase,
  freePort,
  json,
  query,
  runTag,
  serverQueues,
  sleep,
  startApp,
  waitHealthy,
  type AppProcess,
} from './harness.js';

const EXIT_BOUND_MS = 12_000;

interface InFlight {
  kind: 'post' | 'login';
  content?: string;
  written: Promise<void>;
  done: Promise<{ status: number; body: string; error?: string; at: number }>;
  answered: boolean;
  /** The client's port, to find the connection in the server's socket table. */
  localPort?: number;
  /** When the whole request was handed to the kernel (performance.now()). */
  writtenAt?: number;
}

/** One request on its own connection; `written` resolves once the whole request is on the wire. */
function send(
  kind: InFlight['kind'],
  content: string | undefined,
  base: string,
  method: string,
  pathname: string,
  headers: Record<string, string>,
  body: string,
): InFlight {
  let resolveWritten = () => undefined as void;
  const written = new Promise<void>((resolve) => (resolveWritten = resolve));
  const markWritten = () => {
    flight.writtenAt ??= performance.now();
    resolveWritten();
  };
  const flight: InFlight = {
    kind,
    content,
    written,
    answered: false,
    done: Promise.resolve({ status: 0, body: '', at: 0 }),
  };
  flight.done = new Promise((resolve) => {
    const request = http.request(
      new URL(pathname, base),
      { method, agent: false, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          flight.answered = true;
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            at: Date.now(),
          });
        });
        response.on('error', (error) =>
          resolve({ status: 0, body: '', error: error.message, at: Date.now() }),
        );
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error('timeout')));
    request.on('socket', (socket) => socket.on('connect', () => (flight.localPort = socket.localPort)));
    request.on('finish', markWritten);
    request.on('error', (error: NodeJS.ErrnoException) => {
      markWritten();
      resolve({ status: 0, body: '', error: error.code ?? error.message, at: Date.now() });
    });
    request.end(body);
  });
  return flight;
}

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// On PostgreSQL the process reads all 200 requests before answering many, so the signal can wait for all
// of them; PGlite runs its queries on the event loop and answers as fast as it reads, so there the signal
// goes once 50 read requests are unanswered (as it also does in the second PostgreSQL run). In those runs
// the app gets one libuv thread, so that its 80 Argon2 verifications queue up: with four, PGlite answered
// them so fast that the unanswered ones peaked near 50 and, on a busy machine, below it.
const cases = [
  { engine: 'postgres', signalWhen: 'all read' },
  { engine: 'postgres', signalWhen: '50 read' },
  { engine: 'pglite', signalWhen: '50 read' },
] as const;

describe.each(cases)(
  'SIGTERM during 200 in-flight requests ($engine, signal when $signalWhen)',
  ({ engine, signalWhen }) => {
    const tag = runTag();
    let app: AppProcess;
    let dataDir: string;
    let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
    const email = `sigterm-${tag}@example.com`;
    const password = 'sigterm-password';
    let token: string;
    let userId: number;

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'blog-system-sigterm-'));
      if (engine === 'postgres') database = await createDatabase('blog_system_sigterm');
      app = startApp(`app (${engine})`, await freePort(), {
        DATA_DIR: dataDir,
        RATE_LIMIT: 'false',
        ...(signalWhen === '50 read' ? { UV_THREADPOOL_SIZE: '1' } : {}),
        ...(database ? { DATABASE_URL: database.url } : {}),
      });
      const startMs = await waitHealthy(app, 90_000);
      const created = await call(app.base, 'POST', '/api/users', {
        json: { username: `sigterm_${tag}`, email, password },
      });
      expect(created.status, created.text).toBe(201);
      userId = json<{ id: number }>(created).id;
      const login = await call(app.base, 'POST', '/api/users/token', { form: { username: email, password } });
      expect(login.status, login.text).toBe(200);
      token = json<{ access_token: string }>(login).access_token;
      console.log(`[sigterm ${engine}, ${signalWhen}] app pid ${app.pid} healthy after ${startMs} ms`);
    });

    afterAll(async () => {
      await app?.stop(5_000);
      await database?.drop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('completes every accepted request, exits 0 within 12 s and leaves nothing half-written', async () => {
      const flights: InFlight[] = [];
      for (let i = 0; i < 200; i += 1) {
        if (i % 10 < 6) {
          // Contents of different sizes, so a torn write would show.
          const content = `sigterm-${tag}-${i}-${randomBytes(8 + (i % 50) * 40).toString('hex')}`;
          const body = JSON.stringify({ title: `In flight ${i}`, content });
          const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
          flights.push(send('post', content, app.base, 'POST', '/api/posts', headers, body));
        } else {
          // A login is slow on purpose: Argon2 verification of the real password.
          const body = new URLSearchParams({ username: email, password }).toString();
          const headers = { 'content-type': 'application/x-www-form-urlencoded' };
          flights.push(send('login', undefined, app.base, 'POST', '/api/users/token', headers, body));
        }
      }
      // The signal goes once the process has accepted and read every request (no bytes left in the
      // kernel's queues), or, in the '50 read' runs, as soon as it has read at least 50 that are not
      // answered yet (the logins wait for Argon2 on the thread pool, so there are always that many).
      // A request the process had read when the signal came is in flight and must complete.
      const MIN_IN_FLIGHT = 50;
      let allWritten = false;
      const writing = within(10_000, 'writing the 200 requests', Promise.all(flights.map((f) => f.written)));
      void writing.then(() => (allWritten = true)).catch(() => undefined);
      // Read by the process: its bytes were in the kernel before the look at the socket table (loopback
      // delivers at once), and none is left unread on its connection.
      let lookedAt = performance.now();
      let queues = await serverQueues(app.port);
      const readByServer = (f: InFlight) =>
        f.answered ||
        (f.localPort !== undefined &&
          f.writtenAt !== undefined &&
          f.writtenAt < lookedAt &&
          queues.unreadByPeerPort.get(f.localPort) === 0);
      const ready = () =>
        signalWhen === 'all read'
          ? allWritten && queues.pendingAccept === 0 && flights.every(readByServer)
          : flights.filter((f) => !f.answered && readByServer(f)).length >= MIN_IN_FLIGHT;
      const waitStarted = Date.now();
      for (let i = 0; i < 2_000 && !ready() && Date.now() - waitStarted < 10_000; i += 1) {
        await sleep(2);
        lookedAt = performance.now();
        queues = await serverQueues(app.port);
      }
      const accepted = flights.map(readByServer);
      const inFlight = flights.filter((f, i) => accepted[i] && !f.answered).length;
      const notRead = accepted.filter((read) => !read).length;
      console.log(
        `[sigterm ${engine}, ${signalWhen}] at the signal: ${inFlight} requests read by the process and unanswered, ${notRead} not read yet; ` +
          `server sockets ${JSON.stringify({ ...queues, unreadByPeerPort: undefined })}`,
      );
      if (!ready()) {
        const answers = await within(
          30_000,
          'waiting for the answers',
          Promise.all(flights.map((f) => f.done)),
        );
        const times = answers.map((a) => a.at).sort((x, y) => x - y);
        console.log(
          `[sigterm ${engine}, ${signalWhen}] never ready; answers ${JSON.stringify(countBy(answers.map((a) => a.status || a.error || 'none')))}, ` +
            `first ${times[0]! - waitStarted} ms and last ${times.at(-1)! - waitStarted} ms after the wait began`,
        );
      }
      expect(ready(), 'the process did not read the requests within 10 s').toBe(true);
      const signalAt = Date.now();
      app.child.kill('SIGTERM');

      const exit = await within(EXIT_BOUND_MS + 5_000, 'waiting for the exit', app.exited).catch(
        (error: Error) => {
          app.child.kill('SIGKILL');
          throw error;
        },
      );
      const exitMs = exit.atMs - signalAt;
      const answers = await within(
        30_000,
        'waiting for the answers',
        Promise.all(flights.map((f) => f.done)),
      );
      const lastAnswerMs = Math.max(...answers.map((a) => a.at)) - signalAt;
      const expected = flights.map((f) => (f.kind === 'post' ? 201 : 200));
      const wrong = answers
        .map((answer, i) => ({
          i,
          kind: flights[i]!.kind,
          status: answer.status,
          error: answer.error,
          body: answer.body.slice(0, 120),
          answeredMsAfterSignal: answer.at - signalAt,
        }))
        .filter((answer, i) => accepted[i] && answer.status !== expected[i]);
      // Requests the process had not read yet may be refused (503, or the connection closed), never worse.
      const late = answers.filter((_, i) => !accepted[i]);
      const lateBad = late.filter(
        (answer) =>
          answer.status !== 503 &&
          answer.status !== 200 &&
          answer.status !== 201 &&
          !(answer.status === 0 && /ECONNRESET|ECONNREFUSED|socket hang up/.test(answer.error ?? '')),
      );
      console.log(
        `[sigterm ${engine}, ${signalWhen}] 200 requests (120 posts, 80 logins): answers to the ${200 - notRead} read before the signal ` +
          `${JSON.stringify(countBy(answers.filter((_, i) => accepted[i]).map((a) => a.status || a.error || 'none')))}, ` +
          `to the ${notRead} not read ${JSON.stringify(countBy(late.map((a) => a.status || a.error || 'none')))}; ` +
          `last answer ${lastAnswerMs} ms after SIGTERM; exit code ${exit.code} (signal ${exit.signal}) after ${exitMs} ms`,
      );
      if (wrong.length > 0)
        console.log(
          `[sigterm ${engine}, ${signalWhen}] failed requests: ${JSON.stringify(wrong.slice(0, 10))}`,
        );
      const errors = errorLogLines(app);
      console.log(`[sigterm ${engine}, ${signalWhen}] error lines in the app's log: ${errors.length}`);
      if (errors.length > 0) console.log(errors.slice(0, 5).join('\n'));

      expect(inFlight, 'the signal came too late to test anything').toBeGreaterThan(0);
      expect(wrong).toEqual([]);
      expect(lateBad).toEqual([]);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);

      // Every acknowledged post is stored, whole, with the id it was acknowledged with; the totals kept by
      // triggers agree with the rows.
      const acknowledged = new Map<string, number>();
      flights.forEach((flight, i) => {
        const answer = answers[i]!;
        if (flight.kind === 'post' && answer.status === 201)
          acknowledged.set(flight.content!, (JSON.parse(answer.body) as { id: number }).id);
      });
      const check = async (sql: string, params: unknown[]) => {
        if (database) return query<Record<string, unknown>>(database.url, sql, params);
        const db = await PGlite.create(path.join(dataDir, 'pglite'));
        try {
          return (await db.query<Record<string, unknown>>(sql, params)).rows;
        } finally {
          await db.close();
        }
      };
      const rows = (await check('SELECT id, content FROM posts WHERE user_id = $1', [userId])) as {
        id: number;
        content: string;
      }[];
      const stored = new Map(rows.map((row) => [row.content, row.id]));
      const missing = [...acknowledged].filter(([content, id]) => stored.get(content) !== id);
      const foreign = rows.filter((row) => !flights.some((f) => f.content === row.content));
      const [totals] = (await check(
        `SELECT (SELECT count(*) FROM posts)::int AS counted, (SELECT value FROM counters WHERE name = 'posts')::int AS counter,
              (SELECT post_count FROM users WHERE id = $1) AS user_count`,
        [userId],
      )) as { counted: number; counter: number; user_count: number }[];
      console.log(
        `[sigterm ${engine}, ${signalWhen}] ${acknowledged.size} acknowledged posts checked against ${rows.length} rows: missing or different ${missing.length}, ` +
          `unknown ${foreign.length}; totals ${JSON.stringify(totals)}`,
      );
      expect(missing).toEqual([]);
      expect(foreign).toEqual([]);
      expect(totals?.counter).toBe(totals?.counted);
      expect(totals?.user_count).toBe(rows.length);
    });
  },
);
