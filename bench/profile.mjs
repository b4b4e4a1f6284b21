// CPU profile of the app (or the floor) under one scenario's load: `npm run bench:profile -- <scenario>`
// (api-page1, api-304, home, post-page, cursor-depth, feed-uncached, search-uncached, login, create-post, upload, startup;
// `--floor` profiles the floor instead, for api-page1 and cursor-depth). After a 3 s warm-up, V8's profiler records the
// load window only (bench/profile-probe.mjs); `startup` profiles a whole start with `--cpu-prof`.
// The profile's self time is then summed by function and by package.
// Writes bench/results/profiles/<scenario>[-floor].cpuprofile (open it in Chrome DevTools or
// speedscope for a flame graph) and a .txt summary beside it.
//
// It uses the database `fastblog_bench_large` on BENCH_DATABASE_URL, seeding it first if it is
// missing, and keeps it for the next profile (`--drop` removes it at the end).
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { BENCH, runLoad, sleep } from './lib.mjs';
import { twelveMegapixelJpeg } from './picture.mjs';
import {
  BENCH_PASSWORD,
  createDatabase,
  cursorAtDepth,
  databaseExists,
  databaseUrl,
  dropDatabase,
  feedSpan,
  migrate,
  seedDatabase,
} from './seed.mjs';
import { RENDERER_VERSION } from './articles.mjs';
import { etagOf, startApp, startFloor } from './servers.mjs';

const args = process.argv.slice(2);
const scenario = args.find((arg) => !arg.startsWith('--')) ?? 'api-page1';
const onFloor = args.includes('--floor');
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const duration = Number(process.env.BENCH_DURATION ?? 10);
const NAME = 'fastblog_bench_large';
const USERS = 100_000;
const POSTS = 1_000_000;

/** Self time (ms) by function and by package, from a .cpuprofile. */
export function summarizeProfile(profile, top = 25) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // The probe's own frames (stopping the profiler) are not the app's work.
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const isProbe = (id) => {
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      if (byId.get(at).callFrame.url.includes('profile-probe')) return true;
    }
    return false;
  };
  const selfByNode = new Map();
  profile.samples.forEach((id, i) =>
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const byFunction = new Map();
  const byPackage = new Map();
  let total = 0;
  for (const [id, micros] of selfByNode) {
    if (isProbe(id)) continue;
    const { callFrame } = byId.get(id);
    const file = callFrame.url.replace(/^file:\/\//, '');
    const where = file ? `${path.relative(process.cwd(), file)}:${callFrame.lineNumber + 1}` : '';
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ??
      (file.startsWith('node:')
        ? 'node (core)'
        : file.includes('/dist/')
          ? 'app (dist/)'
          : file
            ? file
            : callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    total += micros;
  }
  const rows = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, micros]) =>
          `${(micros / 1000).toFixed(0).padStart(8)} ms ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`,
      );
  return [
    `total sampled: ${(total / 1000).toFixed(0)} ms`,
    '',
    'self time by package',
    ...rows(byPackage),
    '',
    'self time by function (top)',
    ...rows(byFunction),
  ].join('\n');
}

async function database() {
  if (await databaseExists(serverUrl, NAME)) return databaseUrl(serverUrl, NAME);
  console.log(`seeding ${NAME}`);
  const url = await createDatabase(serverUrl, NAME);
  await migrate(url);
  await seedDatabase(url, { users: USERS, posts: POSTS, renderVersion: RENDERER_VERSION, log: console.log });
  return url;
}

async function logIn(server, n) {
  const response = await fetch(`${server.base}/api/users/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: `user${n}@example.com`, password: BENCH_PASSWORD }),
  });
  if (!response.ok) throw new Error(`log in: ${response.status}`);
  return (await response.json()).access_token;
}

async function specFor(name, server, url) {
  switch (name) {
    case 'api-page1':
      return { kind: 'get', path: '/api/posts' };
    case 'home':
      return { kind: 'get', path: '/' };
    case 'api-304':
      return {
        kind: 'get',
        path: '/api/posts',
        headers: { 'if-none-match': await etagOf(server, '/api/posts') },
        expectStatus: 304,
      };
    case 'post-page':
      return { kind: 'randomPath', prefix: '/posts/', min: 1, max: POSTS, suffix: '/post' };
    case 'cursor-depth':
      return {
        kind: 'get',
        path: `/api/posts?limit=10&cursor=${encodeURIComponent(await cursorAtDepth(url, 900_000))}`,
      };
    case 'feed-uncached': {
      // The feed near its top as a cursor at a random moment of the newest 10,000 posts: a new URL
      // each time, page 1's work.
      const top = await feedSpan(url, 10_000);
      return { kind: 'randomCursor', path: '/api/posts', from: top.deep, to: top.newest };
    }
    case 'search-uncached':
      // The rare word of the seed, with an excluded word no post has: a new URL each time.
      return {
        kind: 'randomText',
        prefix: '/api/posts?q=quokka%20-zz',
        alphabet: 'abcdefghijklmnopqrstuvwxyz',
        length: 8,
      };
    case 'login':
      return { kind: 'login', users: USERS, password: BENCH_PASSWORD, connections: 4 };
    case 'create-post': {
      const tokens = [];
      for (let n = 1; n <= 16; n += 1) tokens.push(await logIn(server, n));
      return { kind: 'createPost', tokens };
    }
    case 'upload':
      return {
        kind: 'upload',
        file: await twelveMegapixelJpeg(),
        token: await logIn(server, 7),
        path: '/api/users/7/picture',
        connections: 1,
      };
    default:
      throw new Error(`unknown scenario ${name}`);
  }
}

const folder = path.join(BENCH, 'results', 'profiles');
await mkdir(folder, { recursive: true });
const work = await mkdtemp(path.join(tmpdir(), 'fastblog-profile-'));
const url = await database();
const startup = scenario === 'startup';
// Start-up: the whole process with --cpu-prof. Load: the probe profiles the measured window only.
const options = startup
  ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${work}`] }
  : {
      nodeArgs: ['--import', path.join(BENCH, 'profile-probe.mjs')],
      env: { BENCH_PROFILE_FILE: path.join(work, 'load.cpuprofile') },
    };
const server = onFloor
  ? await startFloor({ databaseUrl: url, ...options })
  : await startApp({ databaseUrl: url, probe: false, ...options });
try {
  if (!startup) {
    const spec = await specFor(scenario, server, url);
    console.log(`${scenario}: warming up, then ${duration} s of load on the ${onFloor ? 'floor' : 'app'}`);
    await runLoad({ url: server.base, connections: 32, ...spec, duration: 3 });
    server.child.kill('SIGWINCH');
    const result = await runLoad({ url: server.base, connections: 32, ...spec, duration });
    server.child.kill('SIGWINCH');
    console.log(
      `  ${Math.round(result.rps)} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
        `${result.non2xx + result.errors} failures`,
    );
    for (let i = 0; i < 100 && !(await readdir(work)).includes('load.cpuprofile'); i += 1) await sleep(100);
    await sleep(200); // let the write finish
  }
} finally {
  await server.stop();
}
const [file] = (await readdir(work)).filter((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile was written');
const base = path.join(folder, `${scenario}${onFloor ? '-floor' : ''}`);
const profile = JSON.parse(await readFile(path.join(work, file), 'utf8'));
await writeFile(`${base}.cpuprofile`, JSON.stringify(profile));
await rm(work, { recursive: true, force: true });
const summary = summarizeProfile(profile);
await writeFile(
  `${base}.txt`,
  `${scenario} on the ${onFloor ? 'floor' : 'app'}, ${new Date().toISOString()}, load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}\n\n${summary}\n`,
);
console.log(summary);
console.log(`\nprofile: ${path.relative(process.cwd(), base)}.cpuprofile`);
if (args.includes('--drop')) await dropDatabase(serverUrl, NAME);
