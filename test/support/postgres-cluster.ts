// Throwaway PostgreSQL clusters of the tests and the benchmark, on free ports of 127.0.0.1, never the
// machine's own server: a primary made with initdb, and hot standbys of it made with pg_basebackup. The
// PostgreSQL tools run as the `postgres` user (initdb refuses root).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

export interface PrivateCluster {
  port: number;
  url: string;
  start(): void;
  /** `pg_ctl stop -m <mode>`. */
  stop(mode: 'immediate' | 'fast'): void;
  /** The postmaster and its children (backends, WAL sender or receiver, ...), for CPU accounting. */
  processes(): number[];
  /** SIGSTOP (or SIGCONT) to the postmaster and every backend: a server that accepts but never answers. */
  freeze(): number[];
  thaw(pids: number[]): void;
  destroy(): Promise<void>;
}

function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((name) => existsSync(path.join(base, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) throw new Error(`no PostgreSQL binaries under ${base}/*/bin`);
  return path.join(base, versions[0], 'bin');
}

/** Runs a PostgreSQL tool as the `postgres` OS user (PostgreSQL refuses to run as root). */
export function runAsPostgres(args: string[], boundMs = 60_000): string {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'runuser' : args[0]!;
  const argv = asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1);
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: boundMs });
  if (result.status !== 0) {
    throw new Error(
      `${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The fields after the command name (which may hold spaces) start with the state, then the parent.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** A new folder owned by the `postgres` user (a cluster's data, socket and log; PgBouncer's files). */
export async function postgresFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blog-pg-'));
  if (process.getuid?.() === 0) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    await chown(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  return dir;
}

async function clusterFolder(): Promise<{ dir: string; data: string }> {
  const dir = await postgresFolder();
  return { dir, data: path.join(dir, 'data') };
}

/** A throwaway PostgreSQL cluster of its own, on a free port of 127.0.0.1, started. */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = postgresBin();
  const { dir, data } = await clusterFolder();
  runAsPostgres([
    path.join(bin, 'initdb'),
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  return runCluster(dir, data, await freePort());
}

/**
 * A hot standby of `primary`, streaming its WAL: a copy made with pg_basebackup (`-R` writes the
 * standby's connection to the primary), started on a port of its own. Read-only, as a replica is.
 */
export async function startStandby(primary: PrivateCluster): Promise<PrivateCluster> {
  const bin = postgresBin();
  const { dir, data } = await clusterFolder();
  runAsPostgres([
    path.join(bin, 'pg_basebackup'),
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    data,
    '-R',
    '-c',
    'fast',
    '--no-sync',
  ]);
  return runCluster(dir, data, await freePort());
}

function runCluster(dir: string, data: string, port: number): PrivateCluster {
  const bin = postgresBin();
  const log = path.join(dir, 'postgres.log');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const cluster: PrivateCluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => {
      runAsPostgres([
        path.join(bin, 'pg_ctl'),
        '-D',
        data,
        '-o',
        options,
        '-l',
        log,
        '-w',
        '-t',
        '30',
        'start',
      ]);
    },
    stop: (mode) => {
      runAsPostgres([path.join(bin, 'pg_ctl'), '-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
    },
    processes: () => {
      const postmaster = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return [postmaster, ...childrenOf(postmaster)];
    },
    freeze: () => {
      const pids = cluster.processes();
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      return pids;
    },
    thaw: (pids) => {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone
        }
      }
    },
    destroy: async () => {
      try {
        // A frozen server cannot stop: wake it first.
        const postmaster = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        cluster.thaw([postmaster, ...childrenOf(postmaster)]);
      } catch {
        // not running
      }
      try {
        runAsPostgres([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'], 30_000);
      } catch {
        // already stopped
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
