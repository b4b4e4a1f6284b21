// Tools of the system tests: the built server (`node dist/server.js`) as real processes on loopback, an
// HTTP client with hard timeouts, a capturing SMTP server, databases on the machine's PostgreSQL server,
// a private throwaway PostgreSQL cluster, and nginx as a load balancer. Every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase as createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { postgresFolder } from '../test/support/postgres-cluster.js';
import { freePort } from '../test/support/ports.js';

export { freePort } from '../test/support/ports.js';
export { startPrivateCluster, startStandby, type PrivateCluster } from '../test/support/postgres-cluster.js';

export { mailTo, startSmtpSink, type SmtpSink } from '../test/support/mail.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SECRET_KEY = 'system-test-secret-key-that-is-long-enough-for-hs256';
export const PG_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NGINX = '/usr/sbin/nginx';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A random tag for names made by one run, so reruns and other suites never collide. */
export const runTag = () => randomBytes(5).toString('hex');

/** Resident memory of a process in MB, from /proc/<pid>/status (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match?.[1] === undefined ? 0 : Math.round(Number(match[1]) / 102.4) / 10;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// HTTP client

export interface Answer {
  /** 0 when no answer came: `error` says why (a reset, a refused connection, the client's timeout). */
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
  error?: string;
}

export interface CallOptions {
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  token?: string;
  /** The client gives up after this long and records `status: 0, error: 'timeout'`. */
  timeoutMs?: number;
  agent?: http.Agent | false;
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request; never throws, never waits longer than its timeout. */
export function call(
  base: string,
  method: string,
  pathname: string,
  options: CallOptions = {},
): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  } else if (options.form !== undefined) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const url = new URL(pathname, base);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...answer, ms: Math.round(performance.now() - started) });
    };
    const request = http.request(url, { method, headers, agent: options.agent ?? keepAlive }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        finish({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', (error) => finish({ status: 0, headers: {}, text: '', error: error.message }));
    });
    const timer = setTimeout(() => {
      finish({ status: 0, headers: {}, text: '', error: 'timeout' });
      request.destroy();
    }, options.timeoutMs ?? 15_000);
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({ status: 0, headers: {}, text: '', error: error.code ?? error.message }),
    );
    request.end(body);
  });
}

export function json<T = Record<string, unknown>>(answer: Answer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new Error(`not JSON (status ${answer.status}): ${answer.text.slice(0, 300)}`);
  }
}

/** Polls until `check` passes or the time is up; returns how long it took, or throws with the last value. */
export async function until<T>(
  what: string,
  boundMs: number,
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  everyMs = 200,
): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let last: T | undefined;
  for (let i = 0; i < 10_000 && Date.now() - started < boundMs; i += 1) {
    last = await probe();
    if (check(last)) return { value: last, ms: Date.now() - started };
    await sleep(everyMs);
  }
  throw new Error(`${what}: not reached within ${boundMs} ms; last: ${JSON.stringify(last)?.slice(0, 400)}`);
}

// ---------------------------------------------------------------------------------------------------------
// The app as a process

export interface AppProcess {
  name: string;
  pid: number;
  port: number;
  base: string;
  child: ChildProcess;
  /** Everything the process wrote, stdout and stderr together. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  /** SIGTERM, then SIGKILL if it is still there after `boundMs`; resolves with the exit. */
  stop(boundMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Starts `node dist/server.js`; resolves at once (see `waitHealthy`). */
export function startApp(name: string, port: number, env: Record<string, string>): AppProcess {
  const server = path.join(ROOT, 'dist', 'server.js');
  if (!existsSync(server)) throw new Error(`${server} is missing: run the build (node scripts/build.mjs)`);
  const child = spawn(process.execPath, [server], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      HOST: '127.0.0.1',
      PORT: String(port),
      SECRET_KEY,
      FRONTEND_URL: 'http://blog.test',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>(
    (resolve) => child.once('exit', (code, signal) => resolve({ code, signal, atMs: Date.now() })),
  );
  const app: AppProcess = {
    name,
    pid: child.pid ?? 0,
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    async stop(boundMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const done = await exited;
        return { code: done.code, signal: done.signal };
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
      const done = await exited;
      clearTimeout(timer);
      return { code: done.code, signal: done.signal };
    },
  };
  return app;
}

/** Waits for `/health` to answer 200; fails with the process's output if it exits or the time runs out. */
export async function waitHealthy(app: AppProcess, boundMs = 60_000): Promise<number> {
  const started = Date.now();
  for (let i = 0; i < 1_000 && Date.now() - started < boundMs; i += 1) {
    if (app.child.exitCode !== null || app.child.signalCode !== null) {
      throw new Error(`${app.name} exited (${app.child.exitCode ?? app.child.signalCode}):\n${app.output()}`);
    }
    const answer = await call(app.base, 'GET', '/health', { timeoutMs: 3_000, agent: false });
    if (answer.status === 200) return Date.now() - started;
    await sleep(150);
  }
  throw new Error(
    `${app.name} did not answer /health 200 within ${boundMs} ms:\n${app.output().slice(-4000)}`,
  );
}

/** Log lines of level error (50) or fatal (60) that a process wrote. */
export function errorLogLines(app: AppProcess): string[] {
  return app
    .output()
    .split('\n')
    .filter((line) => /"level":(50|60)/.test(line));
}

// ---------------------------------------------------------------------------------------------------------
// Data

/** A new empty database on the machine's PostgreSQL server; `drop()` removes it WITH (FORCE). */
export function createDatabase(prefix = 'blog_system'): Promise<TestDatabase> {
  return createTestDatabase(PG_SERVER_URL, prefix);
}

/** Runs one query on its own connection. */
export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export function migrationJournal(): { tag: string; when: number }[] {
  const journal = JSON.parse(readFileSync(path.join(ROOT, 'drizzle', 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries;
}

// ---------------------------------------------------------------------------------------------------------
// Mail

// ---------------------------------------------------------------------------------------------------------
// nginx

export interface Balancer {
  port: number;
  base: string;
  stop(): Promise<void>;
}

/**
 * nginx with its own configuration in a temporary folder, in front of `upstreams` (round robin). Adds
 * `X-Upstream` to every answer so a test can tell which instance served it.
 */
export async function startNginx(upstreams: number[]): Promise<Balancer> {
  if (!existsSync(NGINX)) {
    throw new Error(`${NGINX} is missing: run 'bash system/ensure-tools.sh' (apt-get install nginx) first`);
  }
  const prefix = await mkdtemp(path.join(tmpdir(), 'blog-system-nginx-'));
  const port = await freePort();
  const conf = path.join(prefix, 'nginx.conf');
  await writeFile(
    conf,
    `
daemon off;
master_process on;
worker_processes 2;
user root;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  client_max_body_size 10m;
  upstream blog {
${upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://blog;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 30s;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`,
  );
  const child = spawn(NGINX, ['-e', path.join(prefix, 'error.log'), '-p', prefix, '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (let i = 0; i < 200 && Date.now() - started < 10_000; i += 1) {
    if (child.exitCode !== null) break;
    const answer = await call(base, 'GET', '/health', { timeoutMs: 2_000, agent: false });
    if (answer.status === 200) {
      return {
        port,
        base,
        async stop() {
          if (child.exitCode === null) {
            child.kill('SIGQUIT');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(timer);
          }
          await rm(prefix, { recursive: true, force: true });
        },
      };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  let log = '';
  try {
    log = readFileSync(path.join(prefix, 'error.log'), 'utf8');
  } catch {
    // no log written
  }
  throw new Error(`nginx did not start on port ${port}:\n${output}\n${log}`);
}

// ---------------------------------------------------------------------------------------------------------
// The server's sockets as the kernel sees them, and counting (the private PostgreSQL cluster is in
// test/support/postgres-cluster.ts, re-exported above)

// The states of include/net/tcp_states.h, as /proc/net/tcp numbers them and `ss` names them.
const TCP_STATES: Record<string, string> = {
  '01': 'ESTAB',
  '02': 'SYN-SENT',
  '03': 'SYN-RECV',
  '04': 'FIN-WAIT-1',
  '05': 'FIN-WAIT-2',
  '06': 'TIME-WAIT',
  '07': 'UNCONN',
  '08': 'CLOSE-WAIT',
  '09': 'LAST-ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

/** The port of an address as /proc/net/tcp writes it: `0100007F:1F90` is 127.0.0.1:8080. */
function portOf(address: string): number {
  return parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
}

/**
 * The server side of `port` as the kernel sees it: connections waiting in the accept queue, connections
 * established (accepted or not), bytes received on them that the process has not read yet (in all, and
 * by the client's port), and sockets in any other state.
 */
export async function serverQueues(port: number): Promise<{
  pendingAccept: number;
  connections: number;
  unreadBytes: number;
  unreadByPeerPort: Map<number, number>;
  other: Record<string, number>;
}> {
  // Read from the kernel's tables rather than by spawning `ss`: a look takes well under a millisecond,
  // even when the app's Argon2 threads hold both cores (a spawned `ss` then came back only after a
  // whole burst had been answered). The columns are those `ss` prints: a listening socket's receive
  // queue is its accept queue, an established one's is the bytes not read yet.
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8')));
  const queues = {
    pendingAccept: 0,
    connections: 0,
    unreadBytes: 0,
    unreadByPeerPort: new Map<number, number>(),
    other: {} as Record<string, number>,
  };
  for (const line of tables.flatMap((table) => table.split('\n').slice(1))) {
    const [, local = '', remote = '', stateCode = '', queued = ''] = line.trim().split(/\s+/);
    if (portOf(local) !== port) continue;
    const state = TCP_STATES[stateCode] ?? stateCode;
    const unread = parseInt(queued.split(':')[1] ?? '0', 16);
    if (state === 'LISTEN') queues.pendingAccept += unread;
    else if (state === 'ESTAB') {
      queues.connections += 1;
      queues.unreadBytes += unread;
      queues.unreadByPeerPort.set(portOf(remote), unread);
    } else queues.other[state] = (queues.other[state] ?? 0) + 1;
  }
  return queues;
}

export function countBy<T extends string | number>(values: T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ---------------------------------------------------------------------------------------------------------
// PgBouncer

export interface Pooler {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`: the database on the server behind it. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export const PGBOUNCER = '/usr/sbin/pgbouncer';

/**
 * Debian's PgBouncer (1.18) in transaction pooling mode in front of `server` (`host:port`), with its own
 * configuration in a temporary folder, run as the `postgres` user (it refuses to run as root).
 */
export async function startPgbouncer(server: { host: string; port: number }): Promise<Pooler> {
  if (!existsSync(PGBOUNCER)) {
    throw new Error(
      `${PGBOUNCER} is missing: run 'bash system/ensure-tools.sh' (apt-get install pgbouncer) first`,
    );
  }
  const dir = await postgresFolder();
  const port = await freePort();
  await writeFile(path.join(dir, 'users.txt'), '"postgres" ""\n');
  await writeFile(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.host} port=${server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 500',
      'default_pool_size = 8',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  );
  // As root, PgBouncer switches to the `postgres` user itself (`-u`): the child stays PgBouncer.
  const asRoot = process.getuid?.() === 0;
  const ini = path.join(dir, 'pgbouncer.ini');
  const child = spawn(PGBOUNCER, asRoot ? ['-u', 'postgres', ini] : [ini], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await until('PgBouncer listens', 10_000, () => canConnect(port), Boolean, 100).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${output}`);
  });
  return {
    port,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      // SIGTERM: PgBouncer's immediate shutdown (SIGINT would wait for every client).
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
