// Shared pieces of the benchmark: starting servers as separate processes, waiting for /health,
// reading their memory, running load in a separate process, and small statistics helpers.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = fileURLToPath(new URL('.', import.meta.url));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nobody listens on right now. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `GET <url>` until it answers 200; resolves with the milliseconds waited. */
export async function waitFor200(url, { timeoutMs = 30_000, intervalMs = 10, child } = {}) {
  const started = performance.now();
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} did not answer 200 in time`);
    await sleep(intervalMs);
  }
}

/**
 * Starts a Node server as its own process. Resolves once `/health` answers 200, with the time from the
 * spawn to that first 200 (`readyMs`).
 */
export async function startServer({ name, script, env, nodeArgs = [], port, healthPath = '/health' }) {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: ROOT,
    // A variable set to undefined is left out (a scenario undoing a production setting).
    env: Object.fromEntries(
      Object.entries({ ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }).filter(
        ([, value]) => value !== undefined,
      ),
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(base + healthPath, { child });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start: ${error.message}\n${output.join('')}`);
  }
  const readyMs = performance.now() - startedAt;
  return {
    name,
    child,
    pid: child.pid,
    port,
    base,
    readyMs,
    output: () => output.join(''),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a process, in MB, from /proc (VmRSS). */
export async function rssMb(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of each pid every `intervalMs` until stopped; returns the peak of each. */
export function sampleRss(pids, intervalMs = 200) {
  const peaks = Object.fromEntries(pids.map((pid) => [pid, 0]));
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const pid of pids) peaks[pid] = Math.max(peaks[pid], (await rssMb(pid)) ?? 0);
      await sleep(intervalMs);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return peaks;
  };
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
export async function cpuSeconds(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/**
 * Runs one load (autocannon) in a child process, so the load generator never shares an event loop with
 * anything measured. `spec` is a plain object; see bench/load.mjs for the request kinds.
 */
export async function runLoad(spec) {
  const child = fork(new URL('./load.mjs', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`load process exited with ${code} before answering`)));
  });
  child.send(spec);
  try {
    const summary = await result;
    if (summary.error) throw new Error(`load failed: ${summary.error}`);
    return summary;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

export function median(values) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function mean(values) {
  const defined = values.filter((v) => v !== undefined);
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : undefined;
}

export function round(value, digits = 1) {
  if (value === undefined || value === null || Number.isNaN(value)) return undefined;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
