import { readFile, readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BLUE,
  GREEN,
  RED,
  SVG_IMAGE,
  TEXT_FILE,
  bigBody,
  bmpFile,
  jpegWithOrientation6,
  pngDeclaring,
  solidImage,
  transparentPng,
  type Rgba,
  type UploadFormat,
} from '../../test/support/index.js';
import {
  BUCKET,
  createTestApp,
  multipartBody,
  signUp,
  startS3,
  type RunningS3,
  type TestApp,
  type TestUser,
} from '../../test/support/index.js';

const INVALID_IMAGE = { detail: 'Invalid image file. Please upload a valid image (JPEG, PNG, GIF, WebP).' };
const UPLOAD_FAILED = { detail: 'Failed to upload image. Please try again.' };
const DEFAULT_AVATAR = '/static/profile_pics/default.jpg';
const PICTURE_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jpg$/;
const MiB = 1024 * 1024;

interface UserPrivateBody {
  id: number;
  username: string;
  email: string;
  image_file: string | null;
  image_path: string;
}

// ---------------------------------------------------------------------------------------------
// Local helpers: an S3 server, multipart bodies, pixel checks.
// ---------------------------------------------------------------------------------------------

interface StoredObject {
  body: Buffer;
  contentType: string | undefined;
  cacheControl: string | undefined;
}

async function getS3Object(client: S3Client, file: string): Promise<StoredObject | undefined> {
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `profile_pics/${file}` }));
    const bytes = await object.Body!.transformToByteArray();
    return { body: Buffer.from(bytes), contentType: object.ContentType, cacheControl: object.CacheControl };
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

async function listS3Pictures(client: S3Client): Promise<string[]> {
  const listing = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'profile_pics/' }));
  return (listing.Contents ?? []).map((object) => object.Key!.slice('profile_pics/'.length)).sort();
}

const MIME: Record<UploadFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};

interface UploadOptions {
  filename?: string;
  type?: string;
  /** The id in the path; the uploader's own by default. */
  userId?: number;
  /** Send the body as a stream without Content-Length (chunked), as a slow client would. */
  streamed?: boolean;
  authorization?: string | null;
}

async function uploadPicture(t: TestApp, user: TestUser, bytes: Buffer, options: UploadOptions = {}) {
  const { payload, contentType } = await multipartBody([
    { name: 'file', bytes, filename: options.filename ?? 'picture.jpg', type: options.type ?? 'image/jpeg' },
  ]);
  const headers: Record<string, string> = { 'content-type': contentType };
  const authorization =
    options.authorization === undefined ? user.headers.authorization : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  return t.app.inject({
    method: 'PATCH',
    url: `/api/users/${options.userId ?? user.id}/picture`,
    headers,
    payload: options.streamed ? Readable.from(chunks(payload, 64 * 1024)) : payload,
  });
}

function* chunks(buffer: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < buffer.length; offset += size) yield buffer.subarray(offset, offset + size);
}

function deletePicture(t: TestApp, user: TestUser, userId = user.id) {
  return t.app.inject({ method: 'DELETE', url: `/api/users/${userId}/picture`, headers: user.headers });
}

async function getUser(t: TestApp, id: number) {
  const response = await t.app.inject({ method: 'GET', url: `/api/users/${id}` });
  expect(response.statusCode).toBe(200);
  return response.json<{ image_file: string | null; image_path: string }>();
}

/** The stored picture is exactly what SPEC section 7 asks for: a bare 300x300 JPEG. */
async function expectProfileJpeg(bytes: Buffer): Promise<void> {
  const metadata = await sharp(bytes).metadata();
  expect(metadata.format).toBe('jpeg');
  expect(metadata.width).toBe(300);
  expect(metadata.height).toBe(300);
  expect(metadata.exif).toBeUndefined();
  expect(metadata.orientation).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
}

async function pixelAt(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [data[offset]!, data[offset + 1]!, data[offset + 2]!];
}

function expectColour(
  actual: [number, number, number],
  expected: Rgba | [number, number, number],
  tolerance = 40,
) {
  const [r, g, b] = Array.isArray(expected) ? expected : [expected.r, expected.g, expected.b];
  const close =
    Math.abs(actual[0] - r) <= tolerance &&
    Math.abs(actual[1] - g) <= tolerance &&
    Math.abs(actual[2] - b) <= tolerance;
  expect(close, `pixel ${actual.join(',')} should be close to ${[r, g, b].join(',')}`).toBe(true);
}

function maxAgeOf(cacheControl: string | undefined | null): number {
  const match = /max-age=(\d+)/.exec(cacheControl ?? '');
  return match ? Number(match[1]) : 0;
}

// ---------------------------------------------------------------------------------------------
// The two storage back ends behind one interface, so every main case runs against both.
// ---------------------------------------------------------------------------------------------

interface Served {
  status: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  body: Buffer;
}

interface Backend {
  t: TestApp;
  /** The `image_path` the API must answer for a stored file. */
  imagePath(file: string): string;
  /** The object as the storage holds it, or undefined when it does not exist. */
  stored(file: string): Promise<StoredObject | undefined>;
  /** Loads a public `image_path` as a browser would. */
  served(imagePath: string): Promise<Served>;
  /** Every stored picture's file name. */
  list(): Promise<string[]>;
  close(): Promise<void>;
}

async function s3Backend(): Promise<Backend> {
  const s3 = await startS3();
  const client = s3.client();
  const t = await createTestApp(s3.env);
  return {
    t,
    imagePath: (file) => `${s3.endpoint}/${BUCKET}/profile_pics/${file}`,
    stored: (file) => getS3Object(client, file),
    async served(imagePath) {
      const response = await fetch(imagePath);
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
        cacheControl: response.headers.get('cache-control') ?? undefined,
        body: Buffer.from(await response.arrayBuffer()),
      };
    },
    list: () => listS3Pictures(client),
    async close() {
      await t.close();
      client.destroy();
      await s3.close();
    },
  };
}

async function localBackend(): Promise<Backend> {
  const t = await createTestApp();
  const folder = path.join(t.dataDir, 'media', 'profile_pics');
  return {
    t,
    imagePath: (file) => `/media/profile_pics/${file}`,
    async stored(file) {
      try {
        const body = await readFile(path.join(folder, file));
        const served = await t.app.inject({ method: 'GET', url: `/media/profile_pics/${file}` });
        return {
          body,
          contentType: served.headers['content-type'] as string | undefined,
          cacheControl: served.headers['cache-control'],
        };
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async served(imagePath) {
      const response = await t.app.inject({ method: 'GET', url: imagePath });
      return {
        status: response.statusCode,
        contentType: response.headers['content-type'] as string | undefined,
        cacheControl: response.headers['cache-control'],
        body: response.rawPayload,
      };
    },
    async list() {
      const names = await readdir(folder).catch(() => [] as string[]);
      return names.sort();
    },
    close: () => t.close(),
  };
}

describe.each([
  { storage: 'S3 (s3rver)', make: s3Backend },
  { storage: 'local disk', make: localBackend },
])('profile pictures on $storage', ({ make }) => {
  let b: Backend;
  let t: TestApp;
  beforeAll(async () => {
    b = await make();
    t = b.t;
  });
  afterAll(() => b.close());
  beforeEach(() => t.reset());

  /** Uploads a good picture and returns its file name. */
  async function uploadOk(user: TestUser, bytes?: Buffer): Promise<string> {
    const response = await uploadPicture(t, user, bytes ?? (await solidImage('jpeg')));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<UserPrivateBody>().image_file!;
  }

  it.each<UploadFormat>(['jpeg', 'png', 'gif', 'webp'])(
    'a %s upload is stored as a bare 300x300 JPEG and the user points at it',
    async (format) => {
      const user = await signUp(t.app);
      const source = await solidImage(format, { width: 640, height: 480, background: GREEN });
      const response = await uploadPicture(t, user, source, {
        filename: `holiday.${format}`,
        type: MIME[format],
      });

      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<UserPrivateBody>();
      expect(body.image_file).toMatch(PICTURE_NAME);
      const file = body.image_file!;
      expect(body).toEqual({
        id: user.id,
        username: user.username,
        email: user.email,
        image_file: file,
        image_path: b.imagePath(file),
        bio: null,
        role: 'user',
      });

      const stored = await b.stored(file);
      expect(stored).toBeDefined();
      expect(stored!.contentType).toBe('image/jpeg');
      expect(maxAgeOf(stored!.cacheControl)).toBeGreaterThanOrEqual(86_400);
      await expectProfileJpeg(stored!.body);
      expectColour(await pixelAt(stored!.body, 150, 150), GREEN);

      // The public URL in image_path really serves that picture.
      const served = await b.served(body.image_path);
      expect(served.status).toBe(200);
      expect(served.contentType).toBe('image/jpeg');
      expect(served.body.equals(stored!.body)).toBe(true);

      const fetched = await getUser(t, user.id);
      expect(fetched.image_file).toBe(file);
      expect(fetched.image_path).toBe(b.imagePath(file));
      const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: user.headers });
      expect(me.json<UserPrivateBody>().image_file).toBe(file);
    },
  );

  it('flattens a transparent PNG onto white', async () => {
    const user = await signUp(t.app);
    const file = await uploadOk(user, await transparentPng(400, 400));
    const stored = (await b.stored(file))!;
    await expectProfileJpeg(stored.body);
    expectColour(await pixelAt(stored.body, 0, 0), [255, 255, 255], 6);
    expectColour(await pixelAt(stored.body, 299, 299), [255, 255, 255], 6);
    expectColour(await pixelAt(stored.body, 150, 150), RED);
  });

  it('turns a JPEG upright by its EXIF orientation and drops the EXIF', async () => {
    const user = await signUp(t.app);
    const source = await jpegWithOrientation6();
    // Sanity: as stored, the source is landscape with red on the left.
    expectColour(await pixelAt(source, 20, 100), RED);
    expectColour(await pixelAt(source, 380, 100), BLUE);

    const file = await uploadOk(user, source);
    const stored = (await b.stored(file))!;
    await expectProfileJpeg(stored.body);
    // Orientation 6 means "rotate 90° clockwise": the left (red) half ends up on top.
    expectColour(await pixelAt(stored.body, 150, 30), RED);
    expectColour(await pixelAt(stored.body, 150, 270), BLUE);
    expect(stored.body.includes(Buffer.from('Secret Photographer'))).toBe(false);
    expect(stored.body.includes(Buffer.from('TestCam'))).toBe(false);
  });

  it.each([
    { what: 'a text file named .jpg', bytes: () => TEXT_FILE, filename: 'x.jpg', type: 'image/jpeg' },
    { what: 'a BMP', bytes: () => bmpFile(), filename: 'x.bmp', type: 'image/bmp' },
    { what: 'a BMP named .png', bytes: () => bmpFile(), filename: 'x.png', type: 'image/png' },
    { what: 'an SVG', bytes: () => SVG_IMAGE, filename: 'x.svg', type: 'image/svg+xml' },
    { what: 'an SVG named .jpg', bytes: () => SVG_IMAGE, filename: 'x.jpg', type: 'image/jpeg' },
    {
      what: 'a PNG declaring 60000x60000 pixels',
      bytes: () => pngDeclaring(60_000, 60_000),
      filename: 'bomb.png',
      type: 'image/png',
    },
  ])('refuses $what with 400 and changes nothing', async ({ bytes, filename, type }) => {
    const user = await signUp(t.app);
    const before = await b.list();
    const input = bytes();

    const started = Date.now();
    const response = await uploadPicture(t, user, input, { filename, type });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toEqual(INVALID_IMAGE);
    // The bomb is refused from its header, never decoded.
    expect(Date.now() - started).toBeLessThan(5_000);

    expect((await getUser(t, user.id)).image_file).toBeNull();
    expect(await b.list()).toEqual(before);
  });

  it('refuses a 6 MiB body with 400 "File too large", declared or streamed', async () => {
    const user = await signUp(t.app);
    const before = await b.list();
    const declared = await uploadPicture(t, user, bigBody(6 * MiB));
    expect(declared.statusCode).toBe(400);
    expect(declared.json()).toEqual({ detail: 'File too large. Maximum size is 5MB' });

    const streamed = await uploadPicture(t, user, bigBody(6 * MiB), { streamed: true });
    expect(streamed.statusCode).toBe(400);
    expect(streamed.json()).toEqual({ detail: 'File too large. Maximum size is 5MB' });

    expect((await getUser(t, user.id)).image_file).toBeNull();
    expect(await b.list()).toEqual(before);
    // The app still serves uploads after cutting those off.
    await uploadOk(user);
  });

  it('answers 422 when the form has no file field', async () => {
    const user = await signUp(t.app);
    const cases = [
      await multipartBody([], { title: 'no file here' }),
      await multipartBody([
        { name: 'picture', bytes: await solidImage('jpeg'), filename: 'a.jpg', type: 'image/jpeg' },
      ]),
    ];
    for (const { payload, contentType } of cases) {
      const response = await t.app.inject({
        method: 'PATCH',
        url: `/api/users/${user.id}/picture`,
        headers: { ...user.headers, 'content-type': contentType },
        payload,
      });
      expect(response.statusCode, response.body).toBe(422);
      const detail = response.json<{ detail: { loc: string[]; type: string; msg: string }[] }>().detail;
      expect(detail).toEqual([expect.objectContaining({ loc: ['body', 'file'] })]);
    }
    expect((await getUser(t, user.id)).image_file).toBeNull();
  });

  it("refuses to set another user's picture (403) and an anonymous upload (401)", async () => {
    const owner = await signUp(t.app);
    const intruder = await signUp(t.app);
    const before = await b.list();
    const picture = await solidImage('jpeg');

    const forbidden = await uploadPicture(t, intruder, picture, { userId: owner.id });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ detail: "Not authorized to update this user's picture" });

    const anonymous = await uploadPicture(t, owner, picture, { authorization: null });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ detail: 'Not authenticated' });
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');

    expect((await getUser(t, owner.id)).image_file).toBeNull();
    expect((await getUser(t, intruder.id)).image_file).toBeNull();
    expect(await b.list()).toEqual(before);
  });

  it('deletes the previous picture after a new upload', async () => {
    const user = await signUp(t.app);
    const first = await uploadOk(user, await solidImage('png', { background: RED }));
    expect(await b.stored(first)).toBeDefined();

    const second = await uploadOk(user, await solidImage('webp', { background: BLUE }));
    expect(second).not.toBe(first);
    expect(await b.stored(first)).toBeUndefined();
    const stored = (await b.stored(second))!;
    expectColour(await pixelAt(stored.body, 150, 150), BLUE);
    expect((await getUser(t, user.id)).image_file).toBe(second);
    const list = await b.list();
    expect(list).toContain(second);
    expect(list).not.toContain(first);
  });

  it('leaves exactly one stored picture after concurrent uploads by the same user', async () => {
    const user = await signUp(t.app);
    const before = await b.list();
    const sources = await Promise.all(
      [RED, GREEN, BLUE].map((background) => solidImage('png', { background })),
    );
    const responses = await Promise.all(sources.map((source) => uploadPicture(t, user, source)));
    for (const response of responses) expect(response.statusCode, response.body).toBe(200);

    const current = (await getUser(t, user.id)).image_file!;
    expect(responses.map((r) => r.json<UserPrivateBody>().image_file)).toContain(current);
    const added = (await b.list()).filter((name) => !before.includes(name));
    expect(added).toEqual([current]);
  });

  it('DELETE picture resets to the default avatar and removes the object; twice is a 400', async () => {
    const user = await signUp(t.app);
    const file = await uploadOk(user);

    const deleted = await deletePicture(t, user);
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toEqual({
      id: user.id,
      username: user.username,
      email: user.email,
      image_file: null,
      image_path: DEFAULT_AVATAR,
      bio: null,
      role: 'user',
    });
    expect(await b.stored(file)).toBeUndefined();
    expect(await getUser(t, user.id)).toMatchObject({ image_file: null, image_path: DEFAULT_AVATAR });

    const again = await deletePicture(t, user);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ detail: 'No profile picture to delete' });
  });

  it("refuses to delete another user's picture", async () => {
    const owner = await signUp(t.app);
    const intruder = await signUp(t.app);
    const file = await uploadOk(owner);

    const response = await deletePicture(t, intruder, owner.id);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ detail: "Not authorized to delete this user's picture" });
    expect(await b.stored(file)).toBeDefined();
    expect((await getUser(t, owner.id)).image_file).toBe(file);
  });

  it('deleting the user removes their stored picture, and only theirs', async () => {
    const user = await signUp(t.app);
    const other = await signUp(t.app);
    const file = await uploadOk(user);
    const otherFile = await uploadOk(other);

    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}`,
      headers: user.headers,
    });
    expect(response.statusCode, response.body).toBe(204);
    expect(await b.stored(file)).toBeUndefined();
    expect(await b.stored(otherFile)).toBeDefined();
    expect((await t.app.inject({ method: 'GET', url: `/api/users/${user.id}` })).statusCode).toBe(404);
  });
});

describe('S3 with S3_PUBLIC_URL, then an outage', () => {
  let s3: RunningS3;
  let client: S3Client;
  let t: TestApp;
  beforeAll(async () => {
    s3 = await startS3();
    client = s3.client();
    t = await createTestApp({ ...s3.env, S3_PUBLIC_URL: 'https://cdn.example.com' });
  });
  afterAll(async () => {
    await t.close();
    client.destroy();
    await s3.close();
  });

  it('uses S3_PUBLIC_URL as the base of image_path, while storing in the bucket', async () => {
    const user = await signUp(t.app);
    const response = await uploadPicture(t, user, await solidImage('jpeg'));
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<UserPrivateBody>();
    const file = body.image_file!;
    expect(body.image_path).toBe(`https://cdn.example.com/profile_pics/${file}`);
    expect((await getUser(t, user.id)).image_path).toBe(`https://cdn.example.com/profile_pics/${file}`);
    const stored = await getS3Object(client, file);
    expect(stored?.contentType).toBe('image/jpeg');
    await expectProfileJpeg(stored!.body);
  });

  // Last in this block: it stops the S3 server.
  it('answers 500 and leaves the user unchanged when the S3 server is down', async () => {
    const user = await signUp(t.app);
    const first = await uploadPicture(t, user, await solidImage('jpeg'));
    expect(first.statusCode, first.body).toBe(200);
    const file = first.json<UserPrivateBody>().image_file!;

    await s3.close();

    const started = Date.now();
    const failed = await uploadPicture(t, user, await solidImage('png'));
    expect(failed.statusCode, failed.body).toBe(500);
    expect(failed.json()).toEqual(UPLOAD_FAILED);
    expect(Date.now() - started).toBeLessThan(15_000);

    expect(await getUser(t, user.id)).toMatchObject({
      image_file: file,
      image_path: `https://cdn.example.com/profile_pics/${file}`,
    });
    const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: user.headers });
    expect(me.json<UserPrivateBody>().image_file).toBe(file);
  });
});

interface RawUploadResult {
  status: number | undefined;
  body: string;
  /** Bytes the client had written when the answer arrived (or the connection failed). */
  writtenAtAnswer: number;
  error: string | undefined;
}

/**
 * Streams a multipart upload of `total` file bytes over a real socket, chunked (no Content-Length),
 * writing only as fast as the server reads, and stops writing as soon as the answer arrives.
 */
function rawChunkedUpload(baseUrl: string, user: TestUser, total: number): Promise<RawUploadResult> {
  const boundary = '----rawUploadBoundary7MA4YWxkTrZu0gW';
  const url = new URL(`/api/users/${user.id}/picture`, baseUrl);
  const chunk = bigBody(64 * 1024);
  return new Promise((resolve) => {
    const finish = () => {
      request.destroy();
      resolve(result);
    };
    let written = 0;
    let answered = false;
    const result: RawUploadResult = { status: undefined, body: '', writtenAtAnswer: -1, error: undefined };
    const request = http.request(url, {
      method: 'PATCH',
      headers: {
        authorization: user.headers.authorization,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'transfer-encoding': 'chunked',
      },
    });
    request.on('response', (response) => {
      answered = true;
      result.status = response.statusCode;
      result.writtenAtAnswer = written;
      response.setEncoding('utf8');
      response.on('data', (data: string) => (result.body += data));
      response.on('end', finish);
      response.on('error', finish);
    });
    request.on('error', (error) => {
      result.error = error.message;
      if (!answered) result.writtenAtAnswer = written;
      answered = true;
      finish();
    });
    request.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.jpg"\r\n` +
        'Content-Type: image/jpeg\r\n\r\n',
    );
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered) request.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}

describe('upload limits and malformed bodies (MAX_UPLOAD_SIZE_BYTES=1 MiB, local disk)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MAX_UPLOAD_SIZE_BYTES: String(MiB) });
  });
  afterAll(() => t.close());

  it('names the configured limit in the message and enforces it while streaming', async () => {
    const user = await signUp(t.app);
    const tooLarge = { detail: 'File too large. Maximum size is 1MB' };

    // Declared well over the limit: refused from the Content-Length.
    const declared = await uploadPicture(t, user, bigBody(1.5 * MiB));
    expect(declared.statusCode).toBe(400);
    expect(declared.json()).toEqual(tooLarge);

    // Just over the limit, inside the multipart headroom: refused while reading the part.
    const justOver = await uploadPicture(t, user, bigBody(MiB + 1_000));
    expect(justOver.statusCode).toBe(400);
    expect(justOver.json()).toEqual(tooLarge);

    // No Content-Length at all.
    const streamed = await uploadPicture(t, user, bigBody(3 * MiB), { streamed: true });
    expect(streamed.statusCode).toBe(400);
    expect(streamed.json()).toEqual(tooLarge);

    expect((await getUser(t, user.id)).image_file).toBeNull();

    // A picture under the limit still goes through.
    const small = await uploadPicture(t, user, await solidImage('png'), { streamed: true });
    expect(small.statusCode, small.body).toBe(200);
    expect(small.json<UserPrivateBody>().image_file).toMatch(PICTURE_NAME);
  });

  // SPEC 5: "enforced while streaming: a 1 GB body is cut off at the limit, never buffered".
  it('cuts a 1 GiB chunked upload off near the limit instead of reading it to the end', async () => {
    const user = await signUp(t.app);
    const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const result = await rawChunkedUpload(baseUrl, user, 1024 * MiB);
    expect(result.status, `error: ${result.error ?? 'none'}`).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ detail: 'File too large. Maximum size is 1MB' });
    // Socket buffers hold a few MiB at most; the answer must not wait for the rest of the gigabyte.
    expect(result.writtenAtAnswer / MiB).toBeLessThan(64);
  });

  it('answers a malformed multipart body with a client error, never a 500', async () => {
    const user = await signUp(t.app);
    const boundary = 'XyZ123';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n` +
        'Content-Type: image/jpeg\r\n\r\n',
    );
    const picture = await solidImage('jpeg');
    const bodies = [
      // The closing boundary never comes (a cut-off upload).
      { contentType: `multipart/form-data; boundary=${boundary}`, payload: Buffer.concat([head, picture]) },
      {
        contentType: `multipart/form-data; boundary=${boundary}`,
        payload: Buffer.concat([head, picture, Buffer.from(`\r\n--${boundary.slice(0, 3)}`)]),
      },
      // A multipart content type without a boundary.
      { contentType: 'multipart/form-data', payload: Buffer.from('not multipart at all') },
    ];
    for (const { contentType, payload } of bodies) {
      const response = await t.app.inject({
        method: 'PATCH',
        url: `/api/users/${user.id}/picture`,
        headers: { ...user.headers, 'content-type': contentType },
        payload,
      });
      expect([400, 422], `${contentType}: ${response.statusCode} ${response.body}`).toContain(
        response.statusCode,
      );
      expect(response.json()).toHaveProperty('detail');
    }
    expect((await getUser(t, user.id)).image_file).toBeNull();
  });
});
