// The built server's code as V8 keeps it: the source of every script stays in the heap, at one byte a
// character only when no character is above U+00FF (scripts/build.mjs escapes the few in dependencies'
// comments; before it did, one em dash made the 4.5 MB bundle take 8.9 MB of the heap for good).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

const BUNDLE = path.join(ROOT, 'dist', 'bundle');

describe('the server bundle', () => {
  it('is Latin-1 from end to end, so V8 stores its source at one byte a character', async () => {
    const files = (await readdir(BUNDLE, { recursive: true })).filter((file) => file.endsWith('.js'));
    expect(files).toContain('server.js');
    const wide: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(BUNDLE, file), 'utf8');
      for (const match of text.matchAll(/[\u0100-\uffff]/g)) {
        wide.push(`${file}@${match.index}: U+${match[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
      }
    }
    expect(wide).toEqual([]);
  });
});
