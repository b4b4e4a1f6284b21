// Images in posts (SPEC section 12): `POST /api/media` takes what profile pictures take, stores WebP
// copies through the storage adapter, and the renderer gives them their sizes and `srcset`.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SVG_IMAGE,
  TEXT_FILE,
  bigBody,
  createTestApp,
  jpegWithOrientation6,
  multipartBody,
  signUp,
  solidImage,
  type TestApp,
  type TestUser,
} from '../../test/support/index.js';

const MiB = 1024 * 1024;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

async function upload(user: TestUser | undefined, bytes: Buffer, type = 'image/png') {
  const { payload, contentType } = await multipartBody([{ name: 'file', bytes, filename: 'photo', type }]);
  return t.app.inject({
    method: 'POST',
    url: '/api/media',
    headers: { 'content-type': contentType, ...(user?.headers ?? {}) },
    payload,
  });
}

async function storedMedia(): Promise<string[]> {
  const folder = path.join(t.dataDir, 'media', 'posts');
  return (await readdir(folder).catch(() => [] as string[])).sort();
}

describe('POST /api/media', () => {
  it('stores a wide image at 1600 px and 800 px as WebP, and answers its URL and size', async () => {
    const user = await signUp(t.app);
    const before = await storedMedia();
    const response = await upload(user, await solidImage('png', { width: 3200, height: 1800 }));
    expect(response.statusCode, response.body).toBe(201);
    const media = response.json<{ url: string; width: number; height: number }>();
    expect(media).toEqual({
      url: expect.stringMatching(/^\/media\/posts\/[0-9a-f-]{36}-1600x900\.webp$/) as unknown,
      width: 1600,
      height: 900,
    });

    const large = await t.app.inject(media.url);
    expect(large.statusCode).toBe(200);
    expect(large.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(await sharp(large.rawPayload).metadata()).toMatchObject({
      format: 'webp',
      width: 1600,
      height: 900,
    });
    const small = await t.app.inject(media.url.replace('.webp', '-800.webp'));
    expect(await sharp(small.rawPayload).metadata()).toMatchObject({
      format: 'webp',
      width: 800,
      height: 450,
    });
    expect(await storedMedia()).toHaveLength(before.length + 2);

    // Written into a post, it gets its size, lazy loading and the narrower copy for phones.
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: user.headers,
      payload: { title: 'Pictures', content: `![A green field](${media.url})` },
    });
    const html = (await t.app.inject(`/api/posts/${post.json<{ id: number }>().id}`)).json<{
      content_html: string;
    }>().content_html;
    expect(html).toContain(`src="${media.url}"`);
    expect(html).toContain('width="1600" height="900"');
    expect(html).toContain('loading="lazy"');
    expect(html).toContain(`srcset="${media.url.replace('.webp', '-800.webp')} 800w, ${media.url} 1600w"`);
  });

  it('keeps a small image at its size, upright and without its metadata', async () => {
    const user = await signUp(t.app);
    const before = await storedMedia();
    const response = await upload(user, await jpegWithOrientation6(400, 200), 'image/jpeg');
    expect(response.statusCode, response.body).toBe(201);
    // Turned upright: the 400x200 landscape, rotated by its EXIF orientation, is 200x400.
    expect(response.json()).toMatchObject({ width: 200, height: 400 });
    const stored = await t.app.inject(response.json<{ url: string }>().url);
    const metadata = await sharp(stored.rawPayload).metadata();
    expect(metadata).toMatchObject({ width: 200, height: 400 });
    expect(metadata.exif).toBeUndefined();
    expect(await storedMedia(), 'no smaller copy of a small image').toHaveLength(before.length + 1);
  });

  it('refuses what is not an image with 400, a file over the limit with 400, and strangers with 401', async () => {
    const user = await signUp(t.app);
    const before = await storedMedia();
    for (const [bytes, type] of [
      [TEXT_FILE, 'image/png'],
      [SVG_IMAGE, 'image/svg+xml'],
      [Buffer.from('GIF89a but nothing else'), 'image/gif'],
    ] as const) {
      const response = await upload(user, bytes, type);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        detail: 'Invalid image file. Please upload a valid image (JPEG, PNG, GIF, WebP).',
      });
    }
    const tooLarge = await upload(user, bigBody(6 * MiB));
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json()).toEqual({ detail: 'File too large. Maximum size is 5MB' });
    expect((await upload(undefined, await solidImage('png'))).statusCode).toBe(401);
    expect(await storedMedia()).toEqual(before);
  });
});
