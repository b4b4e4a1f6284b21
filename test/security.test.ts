/**
 * The security rules of SPEC section 6, checked from the outside: tokens that must not work, users
 * who must not touch each other's resources, stored XSS, timing that must not tell whether an
 * account exists, reset tokens, and logs that must not hold a secret. The routes come from the app's
 * own OpenAPI document, with the access each route declares (`x-access`), and each feature says how to
 * make one of its resources (`src/<feature>/<feature>.fixtures.ts`): a new route is covered without
 * editing this file, and a route naming a resource no fixture makes fails loudly.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { SignJWT, base64url, decodeJwt } from 'jose';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { passwordResetTokens } from '../src/auth/reset-tokens.table.js';
import {
  capturedLogs,
  solidImage,
  startSmtpSink,
  TEST_SECRET_KEY,
  createTestApp,
  logIn,
  postPagePath,
  resetLinkIn,
  signUp,
  type App,
  type TestUser,
} from './support/index.js';

// ---------------------------------------------------------------------------------------------
// The app and the operations of its OpenAPI document
// ---------------------------------------------------------------------------------------------

interface OperationObject {
  parameters?: { in: string; name: string }[];
  requestBody?: {
    content: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }>;
  };
  security?: unknown[];
  'x-access'?: string;
}
interface Operation {
  key: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  spec: OperationObject;
}

const t = await createTestApp();
const openApi = (await t.app.inject('/openapi.json')).json<{
  paths: Record<string, Record<string, OperationObject>>;
}>();
const operations: Operation[] = Object.entries(openApi.paths).flatMap(([apiPath, item]) =>
  (['get', 'post', 'put', 'patch', 'delete'] as const).flatMap((method) => {
    const spec = item[method];
    return spec
      ? [
          {
            key: `${method.toUpperCase()} ${apiPath}`,
            method: method.toUpperCase() as Operation['method'],
            path: apiPath,
            spec,
          },
        ]
      : [];
  }),
);
const authenticated = operations.filter((operation) => (operation.spec.security ?? []).length > 0);

const PNG = await solidImage('png', { width: 40, height: 30 });
const INVALID_CREDENTIALS = 'Invalid authentication credentials.';
const OTHER_KEY = new TextEncoder().encode('a-key-that-is-not-the-app-secret-key-at-all!');
const APP_KEY = new TextEncoder().encode(TEST_SECRET_KEY);

afterAll(() => t.close());

/** Makes one resource of a kind for its owner and returns its id (see the features' fixtures files). */
type ResourceFixture = (app: App, owner: TestUser) => Promise<number>;
const fixtures: Record<string, ResourceFixture> = {};
const srcFolder = path.resolve(import.meta.dirname, '../src');
for (const file of readdirSync(srcFolder, { recursive: true }).map(String)) {
  if (!file.endsWith('.fixtures.ts')) continue;
  const module = (await import(pathToFileURL(path.join(srcFolder, file)).href)) as {
    resourceFixtures: Record<string, ResourceFixture>;
  };
  Object.assign(fixtures, module.resourceFixtures);
}

const pathParameters = (operation: Operation) =>
  [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

/** A user, and for each resource the operation's path names, one of their own. */
async function owner(operation: Operation, app: App = t.app): Promise<{ user: TestUser; ids: Ids }> {
  const user = await signUp(app);
  const ids: Ids = {};
  for (const name of pathParameters(operation)) {
    const make = fixtures[name];
    if (!make) throw new Error(`no fixture makes a {${name}}: add one to the feature's *.fixtures.ts`);
    ids[name] = await make(app, user);
  }
  return { user, ids };
}

type Ids = Record<string, number>;

function multipart(fields: { name: string; filename: string; type: string; bytes: Buffer }[]) {
  const boundary = `----security${randomUUID().replaceAll('-', '')}`;
  const chunks = fields.flatMap((field) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field.name}"; filename="${field.filename}"\r\n` +
        `Content-Type: ${field.type}\r\n\r\n`,
    ),
    field.bytes,
    Buffer.from('\r\n'),
  ]);
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * A request that the operation would accept from the owner of `target`: its ids in the path and a
 * valid body, built from the documented body fields, so that only the token (or the caller) is wrong.
 */
function requestFor(operation: Operation, target: { ids: Ids; password: string }, authorization: string) {
  const url = operation.path.replace(/\{(\w+)\}/g, (_all, name: string) => String(target.ids[name]));
  const headers: Record<string, string> = { authorization };
  const content = operation.spec.requestBody?.content ?? {};
  let payload: string | Buffer | undefined;
  if (content['application/json']) {
    const unique = randomUUID().slice(0, 8);
    const examples: Record<string, string> = {
      username: `renamed_${unique}`,
      email: `renamed-${unique}@example.com`,
      password: 'a brand new password 1',
      current_password: target.password,
      new_password: 'a brand new password 1',
      title: 'changed title',
      content: 'changed content',
      token: 'x'.repeat(43),
    };
    // The required fields, and the optional ones this test knows a valid value for.
    const schema = content['application/json'].schema;
    const fields = Object.keys(schema?.properties ?? {}).filter(
      (field) => field in examples || schema?.required?.includes(field),
    );
    payload = JSON.stringify(Object.fromEntries(fields.map((field) => [field, examples[field] ?? 'x'])));
    headers['content-type'] = 'application/json';
  } else if (content['multipart/form-data']) {
    const body = multipart([{ name: 'file', filename: 'me.png', type: 'image/png', bytes: PNG }]);
    payload = body.payload;
    headers['content-type'] = body.contentType;
  }
  return { method: operation.method, url, headers, payload };
}

/** The same claims as a real token of the app, written by someone else. */
async function badTokens(realToken: string): Promise<Record<string, string>> {
  const claims = decodeJwt(realToken);
  const now = Math.floor(Date.now() / 1000);
  const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  return {
    'signed with another key': await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(OTHER_KEY),
    'alg: none': `${header}.${base64url.encode(JSON.stringify(claims))}.`,
    expired: await new SignJWT({ ...claims, iat: now - 7_200, exp: now - 60 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(APP_KEY),
  };
}

function expectRejectedToken(response: {
  statusCode: number;
  headers: Record<string, unknown>;
  json: () => unknown;
}) {
  expect(response.statusCode).toBe(401);
  expect(response.json()).toEqual({ detail: INVALID_CREDENTIALS });
  expect(response.headers['www-authenticate']).toBe('Bearer');
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

describe('tokens that must not work', () => {
  it('the document lists the authenticated routes', () => {
    expect(authenticated.length).toBeGreaterThanOrEqual(13);
  });

  it.each(authenticated.map((operation) => [operation.key, operation] as const))(
    '%s: forged, alg none and expired tokens get 401; the real token does not',
    async (_key, operation) => {
      const { user, ids } = await owner(operation);
      const target = { ids, password: user.password };
      for (const [kind, token] of Object.entries(await badTokens(user.token))) {
        const response = await t.app.inject(requestFor(operation, target, `Bearer ${token}`));
        expect(response.statusCode, `${kind} token`).toBe(401);
        expectRejectedToken(response);
      }
      // The same request with the real token gets past authentication: the token was the only fault.
      const control = await t.app.inject(requestFor(operation, target, `Bearer ${user.token}`));
      expect(control.statusCode, control.body).not.toBe(401);
      expect(control.statusCode, control.body).toBeLessThan(500);
    },
  );

  it('a token revoked by a password change gets 401 on every authenticated route', async () => {
    const user = await signUp(t.app);
    const ids: Ids = {};
    for (const operation of authenticated) {
      for (const name of pathParameters(operation)) ids[name] ??= await fixtures[name]!(t.app, user);
    }
    const changed = await t.app.inject({
      method: 'PATCH',
      url: '/api/users/me/password',
      headers: user.headers,
      payload: { current_password: user.password, new_password: 'the next password 2' },
    });
    expect(changed.statusCode).toBe(200);
    const target = { ids, password: 'the next password 2' };
    const before = await snapshot();
    for (const operation of authenticated) {
      const response = await t.app.inject(requestFor(operation, target, `Bearer ${user.token}`));
      expect(response.statusCode, operation.key).toBe(401);
      expectRejectedToken(response);
    }
    // Nothing was done with the revoked token, and the new one works.
    const fresh = changed.json<{ access_token: string }>().access_token;
    const me = await t.app.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${fresh}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ username: string }>().username).toBe(user.username);
    expect(await snapshot(), 'no request with the revoked token changed anything').toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Other people's resources
// ---------------------------------------------------------------------------------------------

/** Routes that act on a resource of their caller's only (`x-access: owner`). */
const ownerOnly = authenticated.filter((operation) => operation.spec['x-access'] === 'owner');
/** The 403 details of SPEC section 5; other owner-only routes answer in the same words. */
const FORBIDDEN: Record<string, string> = {
  'PATCH /api/users/{user_id}': 'Not authorized to update this user.',
  'DELETE /api/users/{user_id}': 'Not authorized to delete this user.',
  'PATCH /api/users/{user_id}/picture': "Not authorized to update this user's picture",
  'DELETE /api/users/{user_id}/picture': "Not authorized to delete this user's picture",
  'PUT /api/posts/{post_id}': 'Not authorized to update this post',
  'PATCH /api/posts/{post_id}': 'Not authorized to update this post',
  'DELETE /api/posts/{post_id}': 'Not authorized to delete this post',
};

/** Every row of every table, as text: a refused request must leave all of it as it was. */
async function snapshot(): Promise<Record<string, string[]>> {
  const db = t.app.database.db;
  const listed: unknown = await db.execute(
    sql`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
  );
  const tables = (listed as { rows: { tablename: string }[] }).rows.map((row) => row.tablename);
  const rows: Record<string, string[]> = {};
  for (const table of tables) {
    const result: unknown = await db.execute(sql.raw(`SELECT t::text AS row FROM "${table}" AS t`));
    rows[table] = (result as { rows: { row: string }[] }).rows.map((row) => row.row).sort();
  }
  return rows;
}

describe("another user's resources", () => {
  it('covers the routes of SPEC section 5 that act on a user or a post of their own', () => {
    expect(ownerOnly.map((operation) => operation.key)).toEqual(
      expect.arrayContaining(Object.keys(FORBIDDEN)),
    );
  });

  it.each(ownerOnly.map((operation) => [operation.key, operation] as const))(
    "%s: user B gets 403 on user A's resource, 403 or 404 on an absent one, and nothing changes",
    async (key, operation) => {
      const a = await owner(operation);
      // A has a picture, and a post liked by B, so that there is something to delete or overwrite.
      const upload = multipart([{ name: 'file', filename: 'a.png', type: 'image/png', bytes: PNG }]);
      const pictured = await t.app.inject({
        method: 'PATCH',
        url: `/api/users/${a.user.id}/picture`,
        headers: { ...a.user.headers, 'content-type': upload.contentType },
        payload: upload.payload,
      });
      expect(pictured.statusCode).toBe(200);
      const picture = pictured.json<{ image_file: string }>().image_file;
      const b = await signUp(t.app);
      const liked = await t.app.inject({
        method: 'POST',
        url: `/api/posts/${await fixtures.post_id!(t.app, a.user)}/like`,
        headers: b.headers,
      });
      expect(liked.statusCode).toBe(200);
      const before = await snapshot();

      const attempt = await t.app.inject(
        requestFor(operation, { ids: a.ids, password: b.password }, b.headers.authorization),
      );
      expect(attempt.statusCode, attempt.body).toBe(403);
      expect(attempt.json()).toEqual({
        detail: FORBIDDEN[key] ?? (expect.stringMatching(/^Not authorized to /) as unknown),
      });

      const absent = Object.fromEntries(Object.keys(a.ids).map((name) => [name, 2_147_483_000]));
      const missing = await t.app.inject(
        requestFor(operation, { ids: absent, password: b.password }, b.headers.authorization),
      );
      expect([403, 404], missing.body).toContain(missing.statusCode);
      expect(missing.json()).toEqual({ detail: expect.any(String) as unknown });

      expect(await snapshot()).toEqual(before);
      expect(
        existsSync(path.join(t.dataDir, 'media', 'profile_pics', picture)),
        'A keeps the stored picture',
      ).toBe(true);
      const me = await t.app.inject({ url: '/api/users/me', headers: a.user.headers });
      expect(me.statusCode, "A's token still works").toBe(200);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Routes for moderators and admins
// ---------------------------------------------------------------------------------------------

/** Routes whose declared access is a role (`x-access: moderator | admin`). */
const roleOnly = authenticated.filter((operation) =>
  ['moderator', 'admin'].includes(operation.spec['x-access'] ?? ''),
);

describe('routes for a role', () => {
  it('include the admin API of SPEC section 15', () => {
    expect(roleOnly.map((operation) => operation.key)).toEqual(
      expect.arrayContaining([
        'GET /api/admin/users',
        'PATCH /api/admin/users/{user_id}',
        'GET /api/admin/log',
      ]),
    );
  });

  it.each(roleOnly.map((operation) => [operation.key, operation] as const))(
    '%s: a signed-in user without the role gets 403, and nothing changes',
    async (_key, operation) => {
      const target = await owner(operation);
      const caller = await signUp(t.app);
      const before = await snapshot();
      const attempt = await t.app.inject(
        requestFor(operation, { ids: target.ids, password: caller.password }, caller.headers.authorization),
      );
      expect(attempt.statusCode, attempt.body).toBe(403);
      expect(attempt.json()).toEqual({
        detail: expect.stringMatching(/^Only an? (admin|moderator) may do this\.$/) as unknown,
      });
      expect(await snapshot()).toEqual(before);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Stored XSS
// ---------------------------------------------------------------------------------------------

/** The start tags of an HTML or XML document, with their attributes (names lower-cased). */
function tagsOf(document: string): { name: string; attributes: Map<string, string> }[] {
  const value = `(?:"[^"]*"|'[^']*'|[^\\s"'=<>\`]+)`;
  const attribute = new RegExp(`\\s+([^\\s"'>/=]+)(?:\\s*=\\s*(${value}))?`, 'g');
  const tag = new RegExp(`<([a-zA-Z][\\w:-]*)((?:\\s+[^\\s"'>/=]+(?:\\s*=\\s*${value})?)*)\\s*/?>`, 'g');
  return [...document.matchAll(tag)].map((match) => ({
    name: match[1]!.toLowerCase(),
    attributes: new Map(
      [...(match[2] ?? '').matchAll(attribute)].map((a) => [
        a[1]!.toLowerCase(),
        (a[2] ?? '').replace(/^["']|["']$/g, ''),
      ]),
    ),
  }));
}

describe('stored XSS', () => {
  const USERNAME = '"><script>alert(1)</script>';
  const TITLE = '<img src=x onerror=alert(1)>';
  const CONTENT = '</p><script>alert(2)</script>';
  // Escaped as text: `<` and `&` must be entities; `>` may stay as it is (it cannot open a tag).
  const gt = '(?:>|&gt;)';
  const ESCAPED_USERNAME = new RegExp(`&lt;script${gt}alert\\(1\\)&lt;/script${gt}`);
  const ESCAPED_TITLE = new RegExp(`&lt;img src=x onerror=alert\\(1\\)${gt}`);
  const ESCAPED_CONTENT = new RegExp(`&lt;/p${gt}&lt;script${gt}alert\\(2\\)&lt;/script${gt}`);

  it('is escaped in every page and document the server renders', async () => {
    const user = await signUp(t.app, {
      username: USERNAME,
      email: `xss-${randomUUID().slice(0, 6)}@example.com`,
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/posts',
      headers: user.headers,
      payload: { title: TITLE, content: CONTENT },
    });
    expect(created.statusCode).toBe(201);
    const postId = created.json<{ id: number }>().id;

    // The tag reader itself sees an injected handler.
    expect(tagsOf(`<p>${USERNAME}${TITLE}</p>`).map((tag) => tag.name)).toEqual(['p', 'script', 'img']);
    expect(tagsOf(`<a title="${TITLE}">${TITLE}</a>`)[1]?.attributes.has('onerror')).toBe(true);

    const pages: { url: string; shows: RegExp[] }[] = [
      { url: '/', shows: [ESCAPED_USERNAME, ESCAPED_TITLE, ESCAPED_CONTENT] },
      { url: await postPagePath(t.app, postId), shows: [ESCAPED_USERNAME, ESCAPED_TITLE, ESCAPED_CONTENT] },
      { url: `/users/${user.id}/posts`, shows: [ESCAPED_USERNAME, ESCAPED_TITLE, ESCAPED_CONTENT] },
      { url: '/feed.xml', shows: [ESCAPED_USERNAME, ESCAPED_TITLE, ESCAPED_CONTENT] },
      // The sitemap lists addresses only: nothing of the user's text, raw or escaped.
      { url: '/sitemap.xml', shows: [new RegExp(`/posts/${postId}/[a-z0-9-]+<`)] },
    ];
    for (const page of pages) {
      const response = await t.app.inject(page.url);
      expect(response.statusCode, page.url).toBe(200);
      const body = response.body;
      expect(body, page.url).not.toContain('<script>alert');
      expect(body, page.url).not.toContain('<img src=x');
      expect(body, page.url).not.toContain('"><script>');
      // No tag got an event handler, and every script is one of the app's own files.
      for (const tag of tagsOf(body)) {
        const handlers = [...tag.attributes.keys()].filter((name) => name.startsWith('on'));
        expect(handlers, `${page.url}: <${tag.name}> with ${handlers.join(', ')}`).toEqual([]);
        if (tag.name === 'script') expect(tag.attributes.get('src') ?? '', page.url).toMatch(/^\/static\//);
      }
      for (const text of page.shows) expect(body, `${page.url} shows ${text.source}`).toMatch(text);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------------

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Runs both kinds of request `rounds` times, interleaved (alternating which goes first). */
async function timeInterleaved(
  rounds: number,
  first: () => Promise<{ statusCode: number; body: string }>,
  second: () => Promise<{ statusCode: number; body: string }>,
) {
  const times: [number[], number[]] = [[], []];
  const answers: [Set<string>, Set<string>] = [new Set(), new Set()];
  const timed = async (which: 0 | 1) => {
    const started = performance.now();
    const response = await (which === 0 ? first() : second());
    times[which].push(performance.now() - started);
    answers[which].add(`${response.statusCode} ${response.body}`);
  };
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      await timed(0);
      await timed(1);
    } else {
      await timed(1);
      await timed(0);
    }
  }
  return { medians: [median(times[0]), median(times[1])] as const, answers };
}

function expectWithin(medians: readonly [number, number], ratio: number) {
  const [a, b] = medians;
  const difference = Math.abs(a - b) / Math.min(a, b);
  console.log(
    `timing medians: ${a.toFixed(2)} ms and ${b.toFixed(2)} ms (${(difference * 100).toFixed(1)}% apart)`,
  );
  expect(difference, `medians ${a.toFixed(2)} ms and ${b.toFixed(2)} ms`).toBeLessThanOrEqual(ratio);
}

// A login costs an Argon2 verification (tens of milliseconds), so the default run times 60 of each and
// CI's thorough tier (TIMING=full, `npm run test:thorough`) 200.
const LOGIN_ROUNDS = process.env.TIMING === 'full' ? 200 : 60;

describe('timing does not tell whether an account exists', () => {
  it(`login failures: ${LOGIN_ROUNDS} known and ${LOGIN_ROUNDS} unknown emails, medians within 20%`, async () => {
    const known = await signUp(t.app, { password: 'the right password 1' });
    const attempt = (email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/users/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ username: email, password: 'a wrong password 1' }).toString(),
      });
    let n = 0;
    const unknown = () => `nobody-${(n += 1)}-${randomUUID().slice(0, 6)}@example.com`;
    // Warm-up: the dummy hash for unknown emails is made on first use.
    for (let i = 0; i < 5; i += 1) await Promise.all([attempt(known.email), attempt(unknown())]);
    const { medians, answers } = await timeInterleaved(
      LOGIN_ROUNDS,
      () => attempt(known.email),
      () => attempt(unknown()),
    );
    // Same answer, word for word.
    expect([...answers[0]]).toEqual(['401 {"detail":"Incorrect email or password."}']);
    expect([...answers[1]]).toEqual([...answers[0]]);
    expectWithin(medians, 0.2);
  }, 120_000);

  it('forgot-password: 100 existing and 100 unknown emails, medians within 20%', async () => {
    const known = await signUp(t.app);
    const ask = (email: string) =>
      t.app.inject({ method: 'POST', url: '/api/users/forgot-password', payload: { email } });
    let n = 0;
    for (let i = 0; i < 5; i += 1) await Promise.all([ask(known.email), ask(`warm-${i}@example.com`)]);
    const { medians, answers } = await timeInterleaved(
      100,
      () => ask(known.email),
      () => ask(`nobody-${(n += 1)}@example.com`),
    );
    expect([...answers[0]]).toEqual([
      '202 {"message":"If an account with that email exists, a password reset link has been sent."}',
    ]);
    expect([...answers[1]]).toEqual([...answers[0]]);
    expectWithin(medians, 0.2);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Reset tokens
// ---------------------------------------------------------------------------------------------

describe('reset tokens', () => {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  let mails = 0;
  beforeEach(async () => {
    // Mails still queued by earlier tests go out first, so that the next one is ours.
    await t.app.jobs.runDue();
    mails = (await t.outbox()).length;
  });

  async function requestReset(email: string): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users/forgot-password',
      payload: { email },
    });
    expect(response.statusCode).toBe(202);
    await t.app.jobs.runDue();
    const outbox = await t.outbox();
    expect(outbox.length).toBe(mails + 1);
    mails = outbox.length;
    return new URL(resetLinkIn(outbox.at(-1)!)).searchParams.get('token')!;
  }
  const reset = (token: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/users/reset-password',
      payload: { token, new_password: password },
    });
  const INVALID = { detail: 'Invalid or expired reset token.' };

  it('are single-use, replaced by a newer request, stored only as SHA-256, and expire', async () => {
    const user = await signUp(t.app);
    const first = await requestReset(user.email);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await t.app.database.db
      .select()
      .from(passwordResetTokens)
      .where(eq(passwordResetTokens.userId, user.id));
    expect(row!.tokenHash).toBe(sha256(first));
    // Valid for the configured 60 minutes.
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeGreaterThan(59 * 60_000);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThanOrEqual(60 * 60_000 + 1_000);

    // A newer request replaces the older token.
    const second = await requestReset(user.email);
    expect((await reset(first, 'replaced password 1')).json()).toEqual(INVALID);

    // Single use; the JWTs of before are revoked.
    expect((await reset(second, 'second password 2')).statusCode).toBe(200);
    const again = await reset(second, 'third password 3');
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual(INVALID);
    const old = await t.app.inject({ url: '/api/users/me', headers: user.headers });
    expectRejectedToken(old);
    await logIn(t.app, user.email, 'second password 2');

    // Expired: the same token an hour later.
    const third = await requestReset(user.email);
    await t.app.database.db
      .update(passwordResetTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(passwordResetTokens.tokenHash, sha256(third)));
    const late = await reset(third, 'too late password 4');
    expect(late.statusCode).toBe(400);
    expect(late.json()).toEqual(INVALID);
    await logIn(t.app, user.email, 'second password 2');
  });
});

// ---------------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------------

describe('logs', () => {
  it('hold no password, JWT or reset token of a whole journey (debug level, SMTP delivery)', async () => {
    const smtp = await startSmtpSink();
    const received = smtp.received;
    const logs = capturedLogs('debug');
    const logged = await createTestApp(
      { LOG_LEVEL: 'debug', MAIL_SERVER: '127.0.0.1', MAIL_PORT: String(smtp.port) },
      { logger: logs.logger },
    );
    const app = logged.app;
    try {
      const first = 'First-Passw0rd-of-the-journey';
      const wrong = 'Wrong-Passw0rd-of-the-journey';
      const second = 'Second-Passw0rd-of-the-journey';
      const third = 'Third-Passw0rd-of-the-journey';
      const email = `journey-${randomUUID().slice(0, 8)}@example.com`;

      const registered = await app.inject({
        method: 'POST',
        url: '/api/users',
        payload: { username: `journey_${randomUUID().slice(0, 8)}`, email, password: first },
      });
      expect(registered.statusCode).toBe(201);
      const token1 = await logIn(app, email, first);
      expect(
        (await app.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${token1}` } }))
          .statusCode,
      ).toBe(200);
      const failed = await app.inject({
        method: 'POST',
        url: '/api/users/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ username: email, password: wrong }).toString(),
      });
      expect(failed.statusCode).toBe(401);
      const changed = await app.inject({
        method: 'PATCH',
        url: '/api/users/me/password',
        headers: { authorization: `Bearer ${token1}` },
        payload: { current_password: first, new_password: second },
      });
      expect(changed.statusCode).toBe(200);
      const token2 = changed.json<{ access_token: string }>().access_token;
      // The revoked token is refused (and the refusal logged, if anything is).
      expect(
        (await app.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${token1}` } }))
          .statusCode,
      ).toBe(401);

      const forgot = await app.inject({
        method: 'POST',
        url: '/api/users/forgot-password',
        payload: { email },
      });
      expect(forgot.statusCode).toBe(202);
      await app.jobs.runDue();
      expect(received).toHaveLength(1);
      const link = /https?:\/\/\S+\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(
        received[0]!.mail.text ?? '',
      );
      expect(link, 'the mail holds the reset link').not.toBeNull();
      const resetToken = link![1]!;
      const resetPage = await app.inject(`/reset-password?token=${resetToken}`);
      expect(resetPage.statusCode).toBe(200);
      const reset = await app.inject({
        method: 'POST',
        url: '/api/users/reset-password',
        payload: { token: resetToken, new_password: third },
      });
      expect(reset.statusCode).toBe(200);
      const token3 = await logIn(app, email, third);
      expect(
        (await app.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${token3}` } }))
          .statusCode,
      ).toBe(200);

      const log = logs.text();
      // The journey was logged, so the absence of secrets means something.
      expect(log).toContain('/api/users/reset-password');
      expect(log).toContain('/api/users/me/password');
      const secrets = { first, wrong, second, third, token1, token2, token3, resetToken, link: link![0] };
      for (const [name, secret] of Object.entries(secrets)) {
        expect(log.includes(secret), `the log holds ${name}`).toBe(false);
      }
      // Nor a part of a JWT (its signature), an Authorization header or a password hash.
      for (const token of [token1, token2, token3]) {
        expect(log.includes(token.split('.')[2]!), 'the log holds a JWT signature').toBe(false);
      }
      expect(log).not.toMatch(/Bearer\s+ey/);
      expect(log).not.toContain('$argon2');
    } finally {
      await logged.close();
      await smtp.close();
    }
  }, 60_000);
});
