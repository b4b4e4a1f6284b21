// The image process (platform/images): images made in a child of the server, which ends when idle and
// starts again for the next upload; a process that dies fails its jobs, not the server.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidImageError,
  childProcessImages,
  type ImageRecipe,
  type Images,
} from '../src/platform/images/images.js';
import { TEXT_FILE, solidImage, transparentPng } from './support/index.js';

const THUMBNAIL: ImageRecipe = {
  resize: { fit: 'cover', width: 64, height: 64 },
  flatten: '#ffffff',
  output: { format: 'jpeg', quality: 80 },
};

let images: Images | undefined;
afterEach(() => images?.close());

describe('images made in a child process', () => {
  it('makes the image of a recipe, several at once, in one process', async () => {
    images = childProcessImages();
    const made = await Promise.all([
      images.make(await solidImage('png'), THUMBNAIL),
      images.make(await transparentPng(), THUMBNAIL),
      images.make(await solidImage('webp', { width: 2000, height: 500 }), {
        resize: { fit: 'inside', width: 800 },
        output: { format: 'webp', quality: 80 },
      }),
    ]);
    expect(made.map(({ width, height, format }) => ({ width, height, format }))).toEqual([
      { width: 64, height: 64, format: 'jpeg' },
      { width: 64, height: 64, format: 'jpeg' },
      { width: 800, height: 200, format: 'webp' },
    ]);
    expect(made[0].data.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('refuses what is not an image with InvalidImageError', async () => {
    images = childProcessImages();
    await expect(images.make(TEXT_FILE, THUMBNAIL)).rejects.toBeInstanceOf(InvalidImageError);
    const png = await solidImage('png');
    // A JPEG's signature on a PNG's body: decoded, it is not what it claims.
    const liar = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), png.subarray(4)]);
    await expect(images.make(liar, THUMBNAIL)).rejects.toBeInstanceOf(InvalidImageError);
  });

  it('fails the jobs of a process that dies, and starts a new one for the next image', async () => {
    images = childProcessImages();
    const png = await solidImage('png', { width: 3000, height: 3000 });
    // Other apps of this test process (the pool of test apps) may run image processes of their own:
    // the one to kill is the child that this first job started.
    const before = imageProcesses();
    const first = images.make(png, THUMBNAIL);
    const children = imageProcesses().filter((pid) => !before.includes(pid));
    expect(children).toHaveLength(1);
    process.kill(children[0]!, 'SIGKILL');
    await expect(first).rejects.toThrow(/image process ended/);
    const again = await images.make(await solidImage('png'), THUMBNAIL);
    expect(again.width).toBe(64);
  });
});

/** The image processes that are children of this test process. */
function imageProcesses(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'image-process'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when no process matches
  }
}
