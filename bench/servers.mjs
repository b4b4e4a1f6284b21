// How the benchmark starts what it measures: the app as in production, the floor, and the ceiling.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BENCH, ROOT, freePort, sleep, startServer } from './lib.mjs';

export const SECRET_KEY = 'benchmark-secret-key-that-is-long-enough-0123456789';

/**
 * `node dist/server.js` with NODE_ENV=production, RATE_LIMIT=false, LOG_LEVEL=warn, pictures on local
 * disk in a temporary DATA_DIR. `probe` preloads bench/eventloop-probe.mjs; `nodeArgs` adds flags
 * (such as --cpu-prof).
 */
// The Node flags of `npm start` and the Dockerfile's CMD: the app is measured as it runs in production.
const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=20'];

export async function startApp({ name = 'app', databaseUrl, probe = true, nodeArgs = [], env = {} }) {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fastblog-bench-'));
  const probeFile = path.join(dataDir, 'eventloop.json');
  const server = await startServer({
    name,
    script: path.join(ROOT, 'dist/server.js'),
    port,
    nodeArgs: [
      ...PRODUCTION_NODE_FLAGS,
      ...(probe ? ['--import', path.join(BENCH, 'eventloop-probe.mjs')] : []),
      ...nodeArgs,
    ],
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      SECRET_KEY,
      FRONTEND_URL: `http://127.0.0.1:${port}`,
      RATE_LIMIT: 'false',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ...(probe ? { BENCH_PROBE_FILE: probeFile } : {}),
      ...env,
    },
  });
  const stop = server.stop;
  return {
    ...server,
    dataDir,
    probeFile: probe ? probeFile : undefined,
    async stop(signal) {
      await stop(signal);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The floor; with `probe`, it carries the event-loop probe too (an idle floor is the control). */
export async function startFloor({ name = 'floor', databaseUrl, nodeArgs = [], env = {}, probe = false }) {
  const port = await freePort();
  const probeFile = probe ? path.join(tmpdir(), `fastblog-bench-floor-${port}.json`) : undefined;
  const server = await startServer({
    name,
    script: path.join(BENCH, 'floor.mjs'),
    port,
    nodeArgs: [...(probe ? ['--import', path.join(BENCH, 'eventloop-probe.mjs')] : []), ...nodeArgs],
    env: {
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      ...(probe ? { BENCH_PROBE_FILE: probeFile } : {}),
      ...env,
    },
  });
  const stop = server.stop;
  return {
    ...server,
    probeFile,
    async stop(signal) {
      await stop(signal);
      if (probeFile) await rm(probeFile, { force: true });
    },
  };
}

/** The ceiling (bench/ceiling.mjs): a bare node:http server replaying the app's answer at `sampleUrl`. */
export async function startCeiling({ name = 'ceiling', sampleUrl }) {
  return startServer({
    name,
    script: path.join(BENCH, 'ceiling.mjs'),
    port: await freePort(),
    env: { CEILING_SAMPLE_URL: sampleUrl },
  });
}

/** The ETag a server sends for `path`, to ask with If-None-Match. */
export async function etagOf(server, path) {
  const response = await fetch(server.base + path);
  await response.arrayBuffer();
  const etag = response.headers.get('etag');
  if (!etag) throw new Error(`${path} sent no ETag`);
  return etag;
}

/**
 * The event-loop delay the probe saw since the previous call (SIGWINCH makes it write its histogram
 * and start a new one). Undefined for a server without the probe.
 */
export async function readProbe(server) {
  if (!server.probeFile) return undefined;
  await rm(server.probeFile, { force: true });
  server.child.kill('SIGWINCH');
  for (let i = 0; i < 200; i += 1) {
    await sleep(5);
    try {
      return JSON.parse(await readFile(server.probeFile, 'utf8'));
    } catch {
      // not written yet, or caught mid-write
    }
  }
  return undefined;
}
