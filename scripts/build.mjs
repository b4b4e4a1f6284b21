// The build, also run by `npm start`:
// - the server's modules: src/ to dist/ file by file (no bundling), for the commands (migrate,
//   check:s3), the image process and the benchmark; tests and browser modules left out;
// - the server itself: src/server.ts with its modules and dependencies bundled into dist/bundle/ (what
//   it loads only when configured, such as the S3 or Redis clients, in chunks of their own, still loaded
//   only then), and dist/server.js, which starts it. A bundle starts much faster than the thousand or so
//   modules it is made of (TypeBox alone is 370). Packages with native code, WebAssembly or files of
//   their own to serve stay outside, imported from node_modules as usual;
// - the browser modules: each feature's `browser/` folder to dist/client/<feature>/ as ES modules
//   (served at /static/js/<feature>/), with shared code split into chunks; the platform's `layout`
//   module to dist/client/layout.js; boot.js stays a classic script because it must run in <head>
//   before the first paint.
// Types are checked separately by `npm run typecheck`. Last, dist/build-id names this build.
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tokenizer } from 'acorn';
import { build } from 'esbuild';

console.log('building the server and the browser code...');
await rm('dist', { recursive: true, force: true });

const sources = (await readdir('src', { recursive: true }))
  .map((file) => path.join('src', file))
  .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'));
const isBrowser = (file) => file.split(path.sep).includes('browser');
// Tests, browser tests and the security tests' fixtures stay out of the build.
const isTestCode = (file) => /\.(test|e2e|fixtures)\.tsx?$/.test(file);
const serverFiles = sources.filter((file) => !isBrowser(file) && !isTestCode(file));
const SERVER = path.join('src', 'server.ts');
const NOT_BUNDLED = [
  'sharp',
  '@node-rs/argon2',
  '@electric-sql/pglite',
  '@aws-sdk/*',
  'ioredis',
  'prom-client',
  'pg-native',
  '@fastify/swagger-ui',
  'redoc',
  'bootstrap',
  'pino',
  'nodemailer',
];
const platformBrowser = path.join('src', 'platform', 'web', 'browser');
const pageModules = sources
  .filter((file) => isBrowser(file) && path.dirname(file) !== platformBrowser)
  .map((file) => ({ in: file, out: path.join(file.split(path.sep)[1], path.basename(file, '.ts')) }));

const common = { logLevel: 'warning', sourcemap: true, metafile: true };

const results = await Promise.all([
  build({
    ...common,
    entryPoints: serverFiles.filter((file) => file !== SERVER),
    outdir: 'dist',
    outbase: 'src',
    platform: 'node',
    format: 'esm',
    target: 'node20',
  }),
  build({
    ...common,
    entryPoints: [SERVER],
    outdir: path.join('dist', 'bundle'),
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: NOT_BUNDLED,
    // The CommonJS packages inside the bundle call `require`, which an ES module does not have.
    banner: {
      js: "import { createRequire as createRequireInBundle } from 'node:module'; const require = createRequireInBundle(import.meta.url);",
    },
  }),
  build({
    ...common,
    entryPoints: [{ in: path.join(platformBrowser, 'layout.ts'), out: 'layout' }, ...pageModules],
    outdir: 'dist/client',
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
    entryPoints: [{ in: path.join(platformBrowser, 'boot.ts'), out: 'boot' }],
    outdir: 'dist/client',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
  }),
]);

// V8 keeps the source of every script it has loaded, at one byte a character only if none of its
// characters is above U+00FF: an em dash in one dependency's comment would double the 4.5 MB bundle's
// share of the heap (measured: 8.9 MB against 4.5). esbuild escapes such characters in strings and
// names but leaves them in comments and regular expressions, where `\uXXXX` means the same character;
// anywhere else (a tagged template's raw text) an escape would change the program, so the build stops.
function escapeAboveLatin1(code, file) {
  if (!/[\u0100-\uffff]/.test(code)) return code;
  const sameMeaning = [];
  const tokens = tokenizer(code, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    onComment: (_block, _text, start, end) => sameMeaning.push([start, end]),
  });
  for (const token of tokens) if (token.type.label === 'regexp') sameMeaning.push([token.start, token.end]);
  sameMeaning.sort((a, b) => a[0] - b[0]);
  let range = 0;
  return code.replace(/[\u0100-\uffff]/g, (character, at) => {
    while (range < sameMeaning.length && sameMeaning[range][1] <= at) range += 1;
    if (range === sameMeaning.length || sameMeaning[range][0] > at) {
      throw new Error(
        `${file}: U+${character.charCodeAt(0).toString(16)} at ${at} is neither in a comment nor in a regular expression`,
      );
    }
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

// The browser's code is minified (no comments left) and served, not kept in the server's heap.
const browserOutputs = path.join('dist', 'client') + path.sep;
const serverOutputs = results
  .flatMap((result) => Object.keys(result.metafile.outputs))
  .filter((file) => file.endsWith('.js') && !path.normalize(file).startsWith(browserOutputs));
for (const file of serverOutputs) {
  const code = await readFile(file, 'utf8');
  const latin1 = escapeAboveLatin1(code, file);
  if (latin1 !== code) await writeFile(file, latin1);
}

await writeFile(path.join('dist', 'server.js'), "import './bundle/server.js';\n");

// An id of this build, from the content of everything it wrote and of public/: page ETags include it,
// so a deploy that changes how pages look also changes their ETags.
const hash = createHash('sha256');
const publicFiles = (await readdir('public', { recursive: true, withFileTypes: true }))
  .filter((entry) => entry.isFile())
  .map((entry) => `${entry.parentPath}/${entry.name}`);
const outputs = [...results.flatMap((result) => Object.keys(result.metafile.outputs)), ...publicFiles].sort();
for (const output of outputs) hash.update(output).update(await readFile(output));
await writeFile('dist/build-id', hash.digest('base64url').slice(0, 12) + '\n');
