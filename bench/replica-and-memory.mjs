// Two scenarios that start servers of their own:
// - replica: the app on a private primary alone, and on the same primary with a streaming standby
//   (DATABASE_REPLICA_URL), under the same random reads; what each PostgreSQL spent on them. Both run on
//   this machine, so no speed-up is expected: the point is the primary's CPU the replica takes over.
// - memory: the app's RSS 30 s after uploads and reads, with images made in a child process or in the
//   server's, under each glibc allocator setting.
import { readFileSync } from 'node:fs';
import { cpuSeconds, median, round, rssMb, runLoad, sleep } from './lib.mjs';
import { twelveMegapixelJpeg } from './picture.mjs';
import { RENDERER_VERSION } from './articles.mjs';
import { BENCH_PASSWORD, migrate, seedDatabase } from './seed.mjs';
import { startApp } from './servers.mjs';

const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by a cluster's processes (those alive now). */
function clusterCpuSeconds(cluster) {
  let ticks = 0;
  for (const pid of cluster.processes()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}

export async function replica({ settings, log }) {
  // The private clusters are the tests' own (TypeScript, loaded through tsx: see `npm run bench`).
  const { startPrivateCluster, startStandby } = await import('../test/support/postgres-cluster.ts');
  const users = 10_000;
  const posts = 100_000;
  const primary = await startPrivateCluster();
  let standby;
  const apps = [];
  try {
    await migrate(primary.url);
    await seedDatabase(primary.url, { users, posts, renderVersion: RENDERER_VERSION });
    standby = await startStandby(primary);
    const alone = await startApp({ name: 'app-primary-only', databaseUrl: primary.url, probe: false });
    apps.push(alone);
    const paired = await startApp({
      name: 'app-with-replica',
      databaseUrl: primary.url,
      probe: false,
      env: { DATABASE_REPLICA_URL: standby.url },
    });
    apps.push(paired);
    const reads = { kind: 'randomPath', prefix: '/api/posts/', min: 1, max: posts, connections: 32 };
    for (const app of apps) await runLoad({ url: app.base, ...reads, duration: 3 });

    const sides = { alone: [], withReplica: [] };
    for (let pass = 0; pass < settings.rounds; pass += 1) {
      for (const [label, app] of [
        ['alone', alone],
        ['withReplica', paired],
      ]) {
        const before = { primary: clusterCpuSeconds(primary), standby: clusterCpuSeconds(standby) };
        const appBefore = await cpuSeconds(app.pid);
        const result = await runLoad({ url: app.base, ...reads, duration: settings.duration });
        const after = { primary: clusterCpuSeconds(primary), standby: clusterCpuSeconds(standby) };
        const perRead = (seconds) => round((seconds * 1000) / result.requests, 4);
        sides[label].push({
          rps: result.rps,
          p99: result.latencyMs.p99,
          failures: result.non2xx + result.errors + result.timeouts,
          primaryCpuMsPerRead: perRead(after.primary - before.primary),
          standbyCpuMsPerRead: perRead(after.standby - before.standby),
          appCpuMsPerRead: perRead((await cpuSeconds(app.pid)) - appBefore),
        });
        const last = sides[label].at(-1);
        log(
          `    ${label.padEnd(12)} ${Math.round(last.rps)} req/s, p99 ${last.p99} ms; CPU per read: primary ` +
            `${last.primaryCpuMsPerRead} ms, standby ${last.standbyCpuMsPerRead} ms, app ${last.appCpuMsPerRead} ms`,
        );
      }
    }
    const med = (list, key) => round(median(list.map((entry) => entry[key])), 4);
    const primaryAlone = med(sides.alone, 'primaryCpuMsPerRead');
    const primaryPaired = med(sides.withReplica, 'primaryCpuMsPerRead');
    return {
      data: { users, posts },
      rps: { alone: round(med(sides.alone, 'rps')), withReplica: round(med(sides.withReplica, 'rps')) },
      failures: [...sides.alone, ...sides.withReplica].reduce((n, entry) => n + entry.failures, 0),
      primaryCpuMsPerRead: { alone: primaryAlone, withReplica: primaryPaired },
      replicaCpuMsPerRead: med(sides.withReplica, 'standbyCpuMsPerRead'),
      primaryCpuSavedPercent: primaryAlone ? round((1 - primaryPaired / primaryAlone) * 100) : undefined,
      runs: sides,
    };
  } finally {
    for (const app of apps) await app.stop().catch(() => undefined);
    await standby?.destroy();
    await primary.destroy();
  }
}

/**
 * The ways compared: images made in a child process (the default: its memory goes when it ends, ten
 * idle seconds after the last upload), and made in the server's process with glibc's defaults, with
 * fewer malloc arenas (libuv's threads each get one, and libvips's buffers freed on them stay there), or
 * with a fixed mmap threshold (buffers above 128 KiB are mapped, and unmapped when freed, instead of
 * the threshold growing after the first big free).
 */
export const MEMORY_VARIANTS = {
  'child process (default)': {},
  'in process': { IMAGE_WORKER: 'false' },
  'in process, MALLOC_ARENA_MAX=2': { IMAGE_WORKER: 'false', MALLOC_ARENA_MAX: '2' },
  'in process, MALLOC_MMAP_THRESHOLD_=131072': { IMAGE_WORKER: 'false', MALLOC_MMAP_THRESHOLD_: '131072' },
};

/** The RSS of a process and of its children (the image process, while it lives). */
async function treeRssMb(pid) {
  let total = await rssMb(pid);
  try {
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) {
      if (child) total += await rssMb(Number(child));
    }
  } catch {
    // no children
  }
  return total;
}

export async function memoryVariants({ databaseUrl, log }) {
  const file = await twelveMegapixelJpeg();
  const results = {};
  for (const [label, env] of Object.entries(MEMORY_VARIANTS)) {
    // The allocator variables are read when the process starts; startApp sets the production ones, which
    // each variant replaces.
    const app = await startApp({
      name: `app-memory-${label}`,
      databaseUrl,
      probe: false,
      env: {
        MALLOC_ARENA_MAX: undefined,
        MALLOC_MMAP_THRESHOLD_: undefined,
        IMAGE_WORKER: undefined,
        ...env,
      },
    });
    try {
      const login = await fetch(`${app.base}/api/users/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'user7@example.com', password: BENCH_PASSWORD }),
      });
      const { access_token: token } = await login.json();
      const upload = { kind: 'upload', file, token, path: '/api/users/7/picture' };
      const idleMb = await rssMb(app.pid);
      await runLoad({ url: app.base, ...upload, connections: 1, amount: 10 });
      await runLoad({ url: app.base, ...upload, connections: 2, duration: 4 });
      await runLoad({ url: app.base, kind: 'get', path: '/api/posts', connections: 32, duration: 4 });
      const loadedMb = await rssMb(app.pid);
      const loadedWithChildrenMb = await treeRssMb(app.pid);
      await sleep(30_000);
      const afterMb = await rssMb(app.pid);
      const afterWithChildrenMb = await treeRssMb(app.pid);
      results[label] = {
        idleMb: round(idleMb),
        afterLoadMb: round(loadedMb),
        afterLoadWithChildrenMb: round(loadedWithChildrenMb),
        after30sMb: round(afterMb),
        after30sWithChildrenMb: round(afterWithChildrenMb),
      };
      log(
        `    ${label.padEnd(42)} idle ${round(idleMb)} MB; after the load ${round(loadedMb)} MB ` +
          `(${round(loadedWithChildrenMb)} with children); 30 s later ${round(afterMb)} MB ` +
          `(${round(afterWithChildrenMb)} with children)`,
      );
    } finally {
      await app.stop();
    }
  }
  return { variants: results, file: { bytes: readFileSync(file).length } };
}
