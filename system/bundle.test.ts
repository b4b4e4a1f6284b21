// The built server's code as V8 keeps it: the source of every script stays in the heap, at one byte a
// character only when none of its characters is above U+00FF (scripts/build.mjs escapes the few in
// comments and regular expressions; before it did, one em dash made the 4.5 MB bundle take 8.9 MB of the
// heap for good). The browser's code (dist/client/) is minified and served, not kept by the server.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

const DIST = path.join(ROOT, 'dist');

describe("the server's built code", () => {
  it('is Latin-1 from end to end, so V8 stores its source at one byte a character', async () => {
    const files = (await readdir(DIST, { recursive: true })).filter(
      (file) => file.endsWith('.js') && !file.startsWith(`client${path.sep}`),
    );
    expect(files).toContain(path.join('bundle', 'server.js'));
    const wide: string[] = [];
    for (const file of files) {
      const code = await readFile(path.join(DIST, file), 'utf8');
      for (const match of code.matchAll(/[\u0100-\uffff]/g)) {
        wide.push(`${file}@${match.index}: U+${match[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
      }
    }
    expect(wide).toEqual([]);
  });
});
