import { eq, inArray, or } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { passwordResetTokens } from '../auth/reset-tokens.table.js';
import { postLikes, posts } from '../posts/posts.table.js';
import { users } from '../users/users.table.js';
import {
  TEST_SECRET_KEY,
  createTestApp,
  logIn,
  signUp,
  type App,
  type TestApp,
  type TestUser,
} from '../../test/support/index.js';

interface Issue {
  type: string;
  loc: (string | number)[];
  msg: string;
}
interface Validation {
  detail: Issue[];
}
interface Page {
  posts: { id: number; likes: number }[];
  total: number;
}

const DEFAULT_AVATAR = '/static/profile_pics/default.jpg';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

function register(app: App, payload: unknown) {
  return app.inject({ method: 'POST', url: '/api/users', payload: payload as object });
}

async function createPost(
  app: App,
  user: TestUser,
  content: string,
  title: string | null = null,
): Promise<number> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/posts',
    headers: user.headers,
    payload: { title, content },
  });
  if (response.statusCode !== 201) throw new Error(`post failed: ${response.statusCode} ${response.body}`);
  return response.json<{ id: number }>().id;
}

async function like(app: App, user: TestUser, postId: number) {
  const response = await app.inject({
    method: 'POST',
    url: `/api/posts/${postId}/like`,
    headers: user.headers,
  });
  if (response.statusCode !== 200) throw new Error(`like failed: ${response.statusCode} ${response.body}`);
}

function sign(claims: Record<string, unknown>, key = TEST_SECRET_KEY) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(key));
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('POST /api/users', () => {
  it('creates a user and answers 201 with UserPrivate, the email lowercased, no password anywhere', async () => {
    const response = await register(t.app, {
      username: 'Alice_W',
      email: 'Alice.W@Example.COM',
      password: 'correct horse battery',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ id: number }>();
    expect(body).toEqual({
      id: expect.any(Number) as unknown,
      username: 'Alice_W',
      email: 'alice.w@example.com',
      image_file: null,
      image_path: DEFAULT_AVATAR,
      bio: null,
      role: 'user',
    });
    expect(response.body).not.toMatch(/password|hash|argon/i);

    const [row] = await t.app.database.db.select().from(users).where(eq(users.id, body.id));
    expect(row?.email).toBe('alice.w@example.com');
    expect(row?.username).toBe('Alice_W');
    expect(row?.passwordHash).not.toBe('correct horse battery');
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);

    // The account works: the user can log in with any case of the email.
    await expect(logIn(t.app, 'ALICE.W@example.com', 'correct horse battery')).resolves.toEqual(
      expect.any(String) as unknown,
    );
  });

  it('answers 422 naming each missing field', async () => {
    const response = await register(t.app, {});
    expect(response.statusCode).toBe(422);
    const { detail } = response.json<Validation>();
    expect(detail).toHaveLength(3);
    expect(detail).toEqual(
      expect.arrayContaining([
        { type: 'missing', loc: ['body', 'username'], msg: 'Field required' },
        { type: 'missing', loc: ['body', 'email'], msg: 'Field required' },
        { type: 'missing', loc: ['body', 'password'], msg: 'Field required' },
      ]),
    );
  });

  it('answers 422 for only the missing field', async () => {
    const response = await register(t.app, { username: 'bob', email: 'bob@example.com' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required' }],
    });
  });

  it.each([
    [
      'a too short password',
      { username: 'bob', email: 'bob@example.com', password: 'short' },
      ['body', 'password'],
      'string_too_short',
    ],
    [
      'a too long password',
      { username: 'bob', email: 'bob@example.com', password: 'p'.repeat(257) },
      ['body', 'password'],
      'string_too_long',
    ],
    [
      'a too long username',
      { username: 'u'.repeat(51), email: 'bob@example.com', password: 'long enough pw' },
      ['body', 'username'],
      'string_too_long',
    ],
    [
      'an empty username',
      { username: '', email: 'bob@example.com', password: 'long enough pw' },
      ['body', 'username'],
      'string_too_short',
    ],
    [
      'a bad email',
      { username: 'bob', email: 'not-an-email', password: 'long enough pw' },
      ['body', 'email'],
      'value_error',
    ],
    [
      'a number as username',
      { username: 123, email: 'bob@example.com', password: 'long enough pw' },
      ['body', 'username'],
      'string_type',
    ],
    [
      'a number as password',
      { username: 'bob', email: 'bob@example.com', password: 12345678 },
      ['body', 'password'],
      'string_type',
    ],
  ])('answers 422 for %s', async (_name, payload, loc, type) => {
    const response = await register(t.app, payload);
    expect(response.statusCode).toBe(422);
    const { detail } = response.json<Validation>();
    expect(detail).toHaveLength(1);
    expect(detail[0]).toMatchObject({ loc, type, msg: expect.any(String) as unknown });
    const count = await t.app.database.db.select().from(users);
    expect(count).toHaveLength(0);
  });

  it('accepts a username of exactly 50 characters and a password of exactly 8', async () => {
    const response = await register(t.app, {
      username: 'u'.repeat(50),
      email: 'bob@example.com',
      password: '12345678',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json<{ username: string }>().username).toBe('u'.repeat(50));
  });

  it('answers 422, not 500, for a body that is not valid JSON', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "bob", "email": ',
    });
    expect(response.statusCode).toBe(422);
    const { detail } = response.json<Validation>();
    expect(Array.isArray(detail)).toBe(true);
    expect(detail[0]).toMatchObject({
      type: 'json_invalid',
      loc: expect.arrayContaining(['body']) as unknown,
      msg: 'JSON decode error',
    });
  });

  it('answers 422 for a JSON array body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify([{ username: 'bob', email: 'bob@example.com', password: 'long enough pw' }]),
    });
    expect(response.statusCode).toBe(422);
    const { detail } = response.json<Validation>();
    expect(detail).toEqual([expect.objectContaining({ loc: ['body'], type: 'model_attributes_type' })]);
  });

  it('ignores unknown fields', async () => {
    const response = await register(t.app, {
      username: 'bob',
      email: 'bob@example.com',
      password: 'long enough pw',
      is_admin: true,
      id: 999,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      id: 1,
      username: 'bob',
      email: 'bob@example.com',
      image_file: null,
      image_path: DEFAULT_AVATAR,
      bio: null,
      role: 'user',
    });
  });

  it('answers 400 "Username already exists", case-insensitively, checked before the email', async () => {
    await register(t.app, { username: 'alice', email: 'alice@example.com', password: 'long enough pw' });

    const sameName = await register(t.app, {
      username: 'ALICE',
      email: 'other@example.com',
      password: 'long enough pw',
    });
    expect(sameName.statusCode).toBe(400);
    expect(sameName.json()).toEqual({ detail: 'Username already exists' });

    const both = await register(t.app, {
      username: 'Alice',
      email: 'ALICE@example.com',
      password: 'long enough pw',
    });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toEqual({ detail: 'Username already exists' });

    expect(await t.app.database.db.select().from(users)).toHaveLength(1);
  });

  it('answers 400 "Email already registered", case-insensitively', async () => {
    await register(t.app, { username: 'alice', email: 'alice@example.com', password: 'long enough pw' });
    const response = await register(t.app, {
      username: 'bob',
      email: 'Alice@EXAMPLE.com',
      password: 'long enough pw',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ detail: 'Email already registered' });
    expect(await t.app.database.db.select().from(users)).toHaveLength(1);
  });

  it('lets exactly one of many concurrent identical registrations win; the others get 400, never 500', async () => {
    const payload = { username: 'racer', email: 'racer@example.com', password: 'long enough pw' };
    const responses = await Promise.all(Array.from({ length: 8 }, () => register(t.app, payload)));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 400, 400, 400, 400, 400, 400, 400]);
    // A loser may see either duplicate message, depending on where the race was lost; never anything else.
    for (const response of responses.filter((r) => r.statusCode === 400)) {
      expect(['Username already exists', 'Email already registered']).toContain(
        response.json<{ detail: string }>().detail,
      );
    }
    expect(await t.app.database.db.select().from(users)).toHaveLength(1);
  });

  it('concurrent registrations with the same email but different usernames: one 201, the others "Email already registered"', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        register(t.app, { username: `racer${i}`, email: `Racer@Example.com`, password: 'long enough pw' }),
      ),
    );
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const losers = responses.filter((r) => r.statusCode !== 201);
    expect(losers).toHaveLength(7);
    for (const response of losers) {
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ detail: 'Email already registered' });
    }
  });
});

describe('GET /api/users', () => {
  it('answers 404 "Users not found" when there are no users', async () => {
    const response = await t.app.inject('/api/users');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: 'Users not found' });
  });

  it('lists UserPublic ordered by id, with skip and limit', async () => {
    const a = await signUp(t.app, { username: 'zed' });
    const b = await signUp(t.app, { username: 'amy' });
    const c = await signUp(t.app, { username: 'max' });
    const pub = (u: TestUser) => ({
      id: u.id,
      username: u.username,
      image_file: null,
      image_path: DEFAULT_AVATAR,
      bio: null,
    });

    const all = await t.app.inject('/api/users');
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual([pub(a), pub(b), pub(c)]);
    expect(all.body).not.toContain('@example.com');

    const page = await t.app.inject('/api/users?skip=1&limit=1');
    expect(page.statusCode).toBe(200);
    expect(page.json()).toEqual([pub(b)]);

    const rest = await t.app.inject('/api/users?skip=1');
    expect(rest.json()).toEqual([pub(b), pub(c)]);

    const first2 = await t.app.inject('/api/users?limit=2');
    expect(first2.json()).toEqual([pub(a), pub(b)]);

    expect((await t.app.inject('/api/users?limit=100')).statusCode).toBe(200);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['skip=-1', 'skip'],
    ['skip=abc', 'skip'],
  ])('answers 422 for %s', async (query, field) => {
    await signUp(t.app);
    const response = await t.app.inject(`/api/users?${query}`);
    expect(response.statusCode).toBe(422);
    const { detail } = response.json<Validation>();
    expect(detail).toHaveLength(1);
    expect(detail[0]).toMatchObject({
      loc: ['query', field],
      type: expect.any(String) as unknown,
      msg: expect.any(String) as unknown,
    });
  });
});

describe('GET /api/users/{user_id}', () => {
  it('answers 200 with UserPublic, without the email', async () => {
    const user = await signUp(t.app, { username: 'Carol' });
    const response = await t.app.inject(`/api/users/${user.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: user.id,
      username: 'Carol',
      image_file: null,
      image_path: DEFAULT_AVATAR,
      bio: null,
      role: 'user',
      followers: 0,
      following: 0,
      posts: 0,
      followed: false,
    });
  });

  it('answers 404 "User not found" for an unknown id', async () => {
    await signUp(t.app);
    const response = await t.app.inject('/api/users/999');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: 'User not found' });
  });

  it.each(['abc', '0', '-1', '1.5'])('answers 422 for the id %s', async (id) => {
    const response = await t.app.inject(`/api/users/${id}`);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const { detail } = response.json<Validation>();
    expect(detail).toHaveLength(1);
    expect(detail[0]).toMatchObject({ loc: ['path', 'user_id'] });
  });
});

describe('GET /api/users/me', () => {
  it('answers 200 with UserPrivate', async () => {
    const user = await signUp(t.app, { username: 'Dana', email: 'dana@example.com' });
    const response = await t.app.inject({ url: '/api/users/me', headers: user.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: user.id,
      username: 'Dana',
      email: 'dana@example.com',
      image_file: null,
      image_path: DEFAULT_AVATAR,
      bio: null,
      role: 'user',
    });
  });

  it.each([
    ['no header', () => ({})],
    ['a Basic header', () => ({ authorization: 'Basic ZGFuYTpwdw==' })],
    ['a token without the Bearer scheme', (user: TestUser) => ({ authorization: user.token })],
    ['an empty Bearer', () => ({ authorization: 'Bearer ' })],
  ])('answers 401 "Not authenticated" with WWW-Authenticate: Bearer for %s', async (_name, makeHeaders) => {
    const user = await signUp(t.app);
    const response = await t.app.inject({ url: '/api/users/me', headers: makeHeaders(user) });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toEqual({ detail: 'Not authenticated' });
  });

  it('accepts a token it signed itself with the right key (control for the cases below)', async () => {
    const user = await signUp(t.app);
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ sub: String(user.id), ver: 0, iat: now, exp: now + 600 });
    const response = await t.app.inject({
      url: '/api/users/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ id: number }>().id).toBe(user.id);
  });

  it.each([
    ['a garbage token', async () => 'not.a.jwt'],
    ['random text', async () => 'garbage'],
    [
      'a token signed with another key',
      async (id: number) =>
        sign(
          {
            sub: String(id),
            ver: 0,
            iat: Math.floor(Date.now() / 1000),
            exp: Math.floor(Date.now() / 1000) + 600,
          },
          'another-secret-key-that-is-long-enough-too',
        ),
    ],
    [
      'an alg:none token',
      async (id: number) =>
        `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: String(id), ver: 0, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })}.`,
    ],
    [
      'an expired token',
      async (id: number) => {
        const now = Math.floor(Date.now() / 1000);
        return sign({ sub: String(id), ver: 0, iat: now - 7200, exp: now - 3600 });
      },
    ],
    [
      'a token with a stale version',
      async (id: number) => {
        const now = Math.floor(Date.now() / 1000);
        return sign({ sub: String(id), ver: 5, iat: now, exp: now + 600 });
      },
    ],
    [
      'a token without a version',
      async (id: number) => {
        const now = Math.floor(Date.now() / 1000);
        return sign({ sub: String(id), iat: now, exp: now + 600 });
      },
    ],
  ])('answers 401 "Invalid authentication credentials." for %s', async (_name, makeToken) => {
    const user = await signUp(t.app);
    const token = await makeToken(user.id);
    const response = await t.app.inject({
      url: '/api/users/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toEqual({ detail: 'Invalid authentication credentials.' });
  });

  it('answers 401 "User not found." once the user is deleted', async () => {
    const user = await signUp(t.app);
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}`,
      headers: user.headers,
    });
    expect(deleted.statusCode).toBe(204);
    const response = await t.app.inject({ url: '/api/users/me', headers: user.headers });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toEqual({ detail: 'User not found.' });
  });
});

describe('PATCH /api/users/{user_id}', () => {
  const patch = (user: TestUser | null, id: number, payload: unknown) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers: user?.headers ?? {},
      payload: payload as object,
    });

  it('changes the username and the email (stored lowercase)', async () => {
    const user = await signUp(t.app, { username: 'erin', email: 'erin@example.com' });
    const response = await patch(user, user.id, { username: 'Erin2', email: 'Erin.New@Example.com' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: user.id,
      username: 'Erin2',
      email: 'erin.new@example.com',
      image_file: null,
      image_path: DEFAULT_AVATAR,
      bio: null,
      role: 'user',
    });

    expect((await t.app.inject(`/api/users/${user.id}`)).json<{ username: string }>().username).toBe('Erin2');
    const me = await t.app.inject({ url: '/api/users/me', headers: user.headers });
    expect(me.json()).toMatchObject({ username: 'Erin2', email: 'erin.new@example.com' });
    const [row] = await t.app.database.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.email).toBe('erin.new@example.com');

    // The new email logs in, the old one does not.
    await expect(logIn(t.app, 'erin.new@example.com', user.password)).resolves.toEqual(
      expect.any(String) as unknown,
    );
    await expect(logIn(t.app, 'erin@example.com', user.password)).rejects.toThrow(/401/);
  });

  it('keeps a field that is null or absent', async () => {
    const user = await signUp(t.app, { username: 'fay', email: 'fay@example.com' });

    const onlyEmail = await patch(user, user.id, { email: 'fay2@example.com' });
    expect(onlyEmail.statusCode).toBe(200);
    expect(onlyEmail.json()).toMatchObject({ username: 'fay', email: 'fay2@example.com' });

    const nullName = await patch(user, user.id, { username: null, email: 'fay3@example.com' });
    expect(nullName.statusCode).toBe(200);
    expect(nullName.json()).toMatchObject({ username: 'fay', email: 'fay3@example.com' });

    const onlyName = await patch(user, user.id, { username: 'fay_b', email: null });
    expect(onlyName.statusCode).toBe(200);
    expect(onlyName.json()).toMatchObject({ username: 'fay_b', email: 'fay3@example.com' });

    const nothing = await patch(user, user.id, {});
    expect(nothing.statusCode).toBe(200);
    expect(nothing.json()).toEqual({
      id: user.id,
      username: 'fay_b',
      email: 'fay3@example.com',
      image_file: null,
      image_path: DEFAULT_AVATAR,
      bio: null,
      role: 'user',
    });

    const [row] = await t.app.database.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ username: 'fay_b', email: 'fay3@example.com' });
  });

  it("allows changing only the case of one's own username, and re-sending one's own email", async () => {
    const user = await signUp(t.app, { username: 'gus', email: 'gus@example.com' });
    const response = await patch(user, user.id, { username: 'GUS', email: 'GUS@example.com' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ username: 'GUS', email: 'gus@example.com' });
  });

  it("answers 400 for another user's username or email, in any case", async () => {
    const user = await signUp(t.app, { username: 'hal', email: 'hal@example.com' });
    await signUp(t.app, { username: 'ivy', email: 'ivy@example.com' });

    const name = await patch(user, user.id, { username: 'IVY' });
    expect(name.statusCode).toBe(400);
    expect(name.json()).toEqual({ detail: 'Username already exists' });

    const email = await patch(user, user.id, { email: 'Ivy@Example.com' });
    expect(email.statusCode).toBe(400);
    expect(email.json()).toEqual({ detail: 'Email already registered' });

    const both = await patch(user, user.id, { username: 'Ivy', email: 'ivy@example.com' });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toEqual({ detail: 'Username already exists' });

    const [row] = await t.app.database.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ username: 'hal', email: 'hal@example.com' });
  });

  it('answers 404 "User not found." for an unknown id, then 403 for another user', async () => {
    const user = await signUp(t.app);
    const other = await signUp(t.app, { username: 'other' });

    const missing = await patch(user, 9999, { username: 'x' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'User not found.' });

    const forbidden = await patch(user, other.id, { username: 'hijacked' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ detail: 'Not authorized to update this user.' });
    expect((await t.app.inject(`/api/users/${other.id}`)).json<{ username: string }>().username).toBe(
      'other',
    );
  });

  it('checks authentication before the body: no token with an invalid body is 401, with a token 422', async () => {
    const user = await signUp(t.app);

    const anonymous = await patch(null, user.id, { username: 123, email: 'not-an-email' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(anonymous.json()).toEqual({ detail: 'Not authenticated' });

    const anonymousMissing = await patch(null, 9999, { username: 'x' });
    expect(anonymousMissing.statusCode).toBe(401);

    const invalid = await patch(user, user.id, { username: 123 });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json<Validation>().detail[0]).toMatchObject({
      loc: ['body', 'username'],
      type: 'string_type',
    });

    const tooLong = await patch(user, user.id, { username: 'x'.repeat(51) });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json<Validation>().detail[0]).toMatchObject({ loc: ['body', 'username'] });

    const badEmail = await patch(user, user.id, { email: 'nope' });
    expect(badEmail.statusCode).toBe(422);
    expect(badEmail.json<Validation>().detail[0]).toMatchObject({ loc: ['body', 'email'] });
  });
});

describe('DELETE /api/users/{user_id}', () => {
  it('deletes the user with their posts, likes and reset tokens; their likes stop counting', async () => {
    const doomed = await signUp(t.app, { username: 'doomed' });
    const keeper = await signUp(t.app, { username: 'keeper' });
    const doomedPosts = [await createPost(t.app, doomed, 'first'), await createPost(t.app, doomed, 'second')];
    const keeperPost = await createPost(t.app, keeper, 'keeper post');
    await like(t.app, doomed, keeperPost);
    await like(t.app, keeper, keeperPost);
    await like(t.app, keeper, doomedPosts[0]!);
    await like(t.app, doomed, doomedPosts[0]!);

    const forgot = await t.app.inject({
      method: 'POST',
      url: '/api/users/forgot-password',
      payload: { email: doomed.email },
    });
    expect(forgot.statusCode).toBe(202);
    await t.app.jobs.runDue();
    const db = t.app.database.db;
    expect(
      await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, doomed.id)),
    ).toHaveLength(1);

    const before = await t.app.inject('/api/posts');
    expect(before.json<Page>().total).toBe(3);
    expect((await t.app.inject(`/api/posts/${keeperPost}`)).json<{ likes: number }>().likes).toBe(2);

    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${doomed.id}`,
      headers: doomed.headers,
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');

    // Through the API.
    expect((await t.app.inject(`/api/users/${doomed.id}`)).statusCode).toBe(404);
    const userPosts = await t.app.inject(`/api/users/${doomed.id}/posts`);
    expect(userPosts.statusCode).toBe(404);
    expect(userPosts.json()).toEqual({ detail: 'User not found' });
    for (const id of doomedPosts) {
      const post = await t.app.inject(`/api/posts/${id}`);
      expect(post.statusCode).toBe(404);
      expect(post.json()).toEqual({ detail: 'Post not found' });
    }
    const after = await t.app.inject('/api/posts');
    expect(after.json<Page>().total).toBe(1);
    expect(after.json<Page>().posts.map((p: { id: number }) => p.id)).toEqual([keeperPost]);
    const kept = await t.app.inject(`/api/posts/${keeperPost}`);
    expect(kept.json<{ likes: number }>().likes).toBe(1);
    expect((await t.app.inject(`/api/users/${keeper.id}/posts`)).json<Page>().posts[0]?.likes).toBe(1);
    expect(
      (await t.app.inject('/api/users')).json<{ id: number }[]>().map((u: { id: number }) => u.id),
    ).toEqual([keeper.id]);
    await expect(logIn(t.app, doomed.email, doomed.password)).rejects.toThrow(/401/);

    // In the tables.
    expect(await db.select().from(users).where(eq(users.id, doomed.id))).toEqual([]);
    expect(await db.select().from(posts).where(eq(posts.userId, doomed.id))).toEqual([]);
    expect(
      await db
        .select()
        .from(postLikes)
        .where(or(eq(postLikes.userId, doomed.id), inArray(postLikes.postId, doomedPosts))),
    ).toEqual([]);
    expect(
      await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, doomed.id)),
    ).toEqual([]);
    const [keptRow] = await db.select().from(posts).where(eq(posts.id, keeperPost));
    expect(keptRow?.likes).toBe(1);
    expect(await db.select().from(postLikes)).toEqual([{ postId: keeperPost, userId: keeper.id }]);
  });

  it('answers 404 "User not found." for an unknown id and 403 for another user', async () => {
    const user = await signUp(t.app);
    const other = await signUp(t.app);

    const missing = await t.app.inject({ method: 'DELETE', url: '/api/users/9999', headers: user.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'User not found.' });

    const forbidden = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${other.id}`,
      headers: user.headers,
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ detail: 'Not authorized to delete this user.' });
    expect((await t.app.inject(`/api/users/${other.id}`)).statusCode).toBe(200);
  });

  it('answers 401 without a token, before the 404', async () => {
    const user = await signUp(t.app);
    const anonymous = await t.app.inject({ method: 'DELETE', url: `/api/users/${user.id}` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ detail: 'Not authenticated' });
    const anonymousMissing = await t.app.inject({ method: 'DELETE', url: '/api/users/9999' });
    expect(anonymousMissing.statusCode).toBe(401);
    expect((await t.app.inject(`/api/users/${user.id}`)).statusCode).toBe(200);
  });
});

describe('GET /api/users/{user_id}/posts', () => {
  it("answers a PostPage of that user's posts only, newest first", async () => {
    const author = await signUp(t.app, { username: 'writer' });
    const other = await signUp(t.app);
    const ids: number[] = [];
    for (let i = 1; i <= 3; i++) {
      ids.push(await createPost(t.app, author, `post ${i}`, `Title ${i}`));
      await createPost(t.app, other, `noise ${i}`);
    }

    const response = await t.app.inject(`/api/users/${author.id}/posts`);
    expect(response.statusCode).toBe(200);
    const page = response.json<Page>();
    expect(page).toMatchObject({ total: 3, skip: 0, limit: 10, has_more: false });
    expect(page.posts.map((p: { id: number }) => p.id)).toEqual([...ids].reverse());
    expect(page.posts[0]).toEqual({
      id: ids[2],
      title: 'Title 3',
      content: 'post 3',
      user_id: author.id,
      date_posted: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      likes: 0,
      comments: 0,
      author: { id: author.id, username: 'writer', image_file: null, image_path: DEFAULT_AVATAR, bio: null },
      slug: 'title-3',
      description: null,
      excerpt: 'post 3',
      status: 'published',
      publish_at: null,
      reading_minutes: 1,
      tags: [],
    });
    const [newest] = response.json<{ posts: { date_posted: string; updated_at: string }[] }>().posts;
    expect(newest?.updated_at, 'never changed since it was posted').toBe(newest?.date_posted);

    const first = (await t.app.inject(`/api/users/${author.id}/posts?limit=2`)).json<Page>();
    expect(first).toMatchObject({ total: 3, skip: 0, limit: 2, has_more: true });
    expect(first.posts.map((p: { id: number }) => p.id)).toEqual([ids[2], ids[1]]);
    const second = (await t.app.inject(`/api/users/${author.id}/posts?skip=2&limit=2`)).json<Page>();
    expect(second).toMatchObject({ total: 3, skip: 2, limit: 2, has_more: false });
    expect(second.posts.map((p: { id: number }) => p.id)).toEqual([ids[0]]);

    // The feed holds everyone's posts; the user's page only theirs.
    expect((await t.app.inject('/api/posts')).json<Page>().total).toBe(6);
  });

  it('answers an empty page for a user without posts', async () => {
    const user = await signUp(t.app);
    const response = await t.app.inject(`/api/users/${user.id}/posts`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ posts: [], total: 0, skip: 0, limit: 10, has_more: false });
  });

  it('answers 404 "User not found" for an unknown user and 422 for a bad id or page', async () => {
    const missing = await t.app.inject('/api/users/9999/posts');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'User not found' });

    const badId = await t.app.inject('/api/users/abc/posts');
    expect(badId.statusCode).toBe(422);
    expect(badId.json<Validation>().detail[0]).toMatchObject({ loc: ['path', 'user_id'] });

    const user = await signUp(t.app);
    const badLimit = await t.app.inject(`/api/users/${user.id}/posts?limit=101`);
    expect(badLimit.statusCode).toBe(422);
    expect(badLimit.json<Validation>().detail[0]).toMatchObject({ loc: ['query', 'limit'] });
  });
});
