// The build, also run by `npm start`:
// - the server: src/ to dist/ file by file (no bundling), keeping the folder layout so that paths
//   relative to a module (migrations, public files) stay the same;
// - the browser modules: client/ to dist/client/ as ES modules, with shared code split into chunks;
//   boot.js stays a classic script because it must run in <head> before the first paint.
// Types are checked separately by `npm run typecheck`. Last, dist/build-id names this build.
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });

const common = { logLevel: 'warning', sourcemap: true, metafile: true };

const results = await Promise.all([
  build({
    ...common,
    entryPoints: ['src/**/*.ts', 'src/**/*.tsx'],
    outdir: 'dist',
    outbase: 'src',
    platform: 'node',
    format: 'esm',
    target: 'node20',
  }),
  build({
    ...common,
    entryPoints: ['client/layout.ts', 'client/pages/*.ts'],
    outdir: 'dist/client',
    outbase: 'client',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
  build({
    ...common,
    entryPoints: ['client/boot.ts'],
    outdir: 'dist/client',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
  }),
]);

// An id of this build, from the content of everything it wrote and of public/: page ETags include it,
// so a deploy that changes how pages look also changes their ETags.
const hash = createHash('sha256');
const publicFiles = (await readdir('public', { recursive: true, withFileTypes: true }))
  .filter((entry) => entry.isFile())
  .map((entry) => `${entry.parentPath}/${entry.name}`);
const outputs = [...results.flatMap((result) => Object.keys(result.metafile.outputs)), ...publicFiles].sort();
for (const output of outputs) hash.update(output).update(await readFile(output));
await writeFile('dist/build-id', hash.digest('base64url').slice(0, 12) + '\n');
