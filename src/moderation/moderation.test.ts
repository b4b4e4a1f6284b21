// Roles and moderation (SPEC section 15): the admin API with every status, suspension (login refused,
// tokens revoked at the next request, restored), moderators deleting others' posts and comments, and
// the log of who did what to whom.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPost,
  createTestApp,
  logIn,
  signUp,
  type TestApp,
  type TestUser,
} from '../../test/support/index.js';
import type { Role } from '../users/roles.js';
import type { AdminUser, LogPage } from './moderation.schemas.js';

const ABSENT = 2_147_483_000;
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

/** A user made `role` the way the CLI does it: through the users service, not the API. */
async function withRole(role: Role, fields: Parameters<typeof signUp>[1] = {}): Promise<TestUser> {
  const user = await signUp(t.app, fields);
  await t.app.usersService.setStanding(user.id, { role });
  return user;
}

const patchUser = (admin: TestUser, userId: number, payload: object) =>
  t.app.inject({ method: 'PATCH', url: `/api/admin/users/${userId}`, headers: admin.headers, payload });

async function log(admin: TestUser): Promise<LogPage> {
  const response = await t.app.inject({ url: '/api/admin/log', headers: admin.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<LogPage>();
}

describe('the admin routes', () => {
  it('answer 403 to users and moderators, 401 without a token', async () => {
    const user = await signUp(t.app);
    const moderator = await withRole('moderator');
    for (const caller of [user, moderator]) {
      for (const request of [
        { method: 'GET' as const, url: '/api/admin/users' },
        { method: 'GET' as const, url: '/api/admin/log' },
        { method: 'PATCH' as const, url: `/api/admin/users/${user.id}`, payload: { role: 'admin' } },
      ]) {
        const response = await t.app.inject({ ...request, headers: caller.headers });
        expect(response.statusCode, request.url).toBe(403);
        expect(response.json()).toEqual({ detail: 'Only an admin may do this.' });
        const anonymous = await t.app.inject(request);
        expect(anonymous.statusCode).toBe(401);
      }
    }
    expect((await t.app.inject({ url: '/api/users/me', headers: user.headers })).json()).toMatchObject({
      role: 'user',
    });
  });

  it('list accounts by id, searched by name or email in any case', async () => {
    const admin = await withRole('admin', { username: 'root' });
    await signUp(t.app, { username: 'Alice', email: 'alice@example.com' });
    await signUp(t.app, { username: 'bob', email: 'bob@mail.example' });
    let response = await t.app.inject({ url: '/api/admin/users', headers: admin.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json<AdminUser[]>().map((user) => user.username)).toEqual(['root', 'Alice', 'bob']);
    expect(response.json<AdminUser[]>()[0]).toMatchObject({
      role: 'admin',
      suspended: false,
      email: 'root@example.com',
      posts: 0,
    });
    response = await t.app.inject({ url: '/api/admin/users?q=ALI', headers: admin.headers });
    expect(response.json<AdminUser[]>().map((user) => user.username)).toEqual(['Alice']);
    response = await t.app.inject({ url: '/api/admin/users?q=mail.example', headers: admin.headers });
    expect(response.json<AdminUser[]>().map((user) => user.username)).toEqual(['bob']);
    response = await t.app.inject({ url: '/api/admin/users?q=%25', headers: admin.headers });
    expect(response.json()).toEqual([]);
    response = await t.app.inject({ url: '/api/admin/users?skip=1&limit=1', headers: admin.headers });
    expect(response.json<AdminUser[]>().map((user) => user.username)).toEqual(['Alice']);
  });

  it('change roles, logged; 404 for nobody, 400 for oneself, 422 for a role that does not exist', async () => {
    const admin = await withRole('admin');
    const user = await signUp(t.app);
    const response = await patchUser(admin, user.id, { role: 'moderator' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: user.id, role: 'moderator', suspended: false });
    expect(await log(admin)).toMatchObject({
      total: 1,
      entries: [
        {
          actor: { id: admin.id, username: admin.username },
          action: 'set_role',
          target: { id: user.id, username: user.username },
          subject: 'role user -> moderator',
        },
      ],
    });
    // The same role again changes nothing and logs nothing.
    expect((await patchUser(admin, user.id, { role: 'moderator' })).statusCode).toBe(200);
    expect((await log(admin)).total).toBe(1);

    const nobody = await patchUser(admin, ABSENT, { role: 'moderator' });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json()).toEqual({ detail: 'User not found' });
    const self = await patchUser(admin, admin.id, { role: 'user' });
    expect(self.statusCode).toBe(400);
    expect(self.json()).toEqual({ detail: 'Admins cannot change their own role or suspend themselves.' });
    expect((await patchUser(admin, user.id, { role: 'owner' })).statusCode).toBe(422);
  });
});

describe('suspension', () => {
  it('refuses the login with 403, revokes the tokens at once, and restoring lets them log in again', async () => {
    const admin = await withRole('admin');
    const user = await signUp(t.app);
    expect((await t.app.inject({ url: '/api/users/me', headers: user.headers })).statusCode).toBe(200);

    const suspended = await patchUser(admin, user.id, { suspended: true });
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({ suspended: true });

    const me = await t.app.inject({ url: '/api/users/me', headers: user.headers });
    expect(me.statusCode).toBe(401);
    expect(me.json()).toEqual({ detail: 'Invalid authentication credentials.' });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/users/token',
      payload: new URLSearchParams({ username: user.email, password: user.password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(login.statusCode).toBe(403);
    expect(login.json()).toEqual({ detail: 'Account suspended.' });
    // A wrong password says nothing about the suspension.
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/users/token',
      payload: new URLSearchParams({ username: user.email, password: 'not the password' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.statusCode).toBe(401);

    const restored = await patchUser(admin, user.id, { suspended: false });
    expect(restored.json()).toMatchObject({ suspended: false });
    // The old token stays revoked; a new login works.
    expect((await t.app.inject({ url: '/api/users/me', headers: user.headers })).statusCode).toBe(401);
    const token = await logIn(t.app, user.email, user.password);
    const again = await t.app.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${token}` } });
    expect(again.statusCode).toBe(200);

    expect((await log(admin)).entries.map((entry) => entry.action)).toEqual(['restore', 'suspend']);
  });
});

describe('moderators', () => {
  it("delete others' posts and comments, and each removal is logged", async () => {
    const admin = await withRole('admin');
    const moderator = await withRole('moderator');
    const author = await signUp(t.app);
    const postId = await createPost(t.app, author, { title: 'Spam', content: 'Buy now' });
    const otherPost = await createPost(t.app, author);
    const commented = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${otherPost}/comments`,
      headers: author.headers,
      payload: { content: 'More spam' },
    });
    const commentId = commented.json<{ id: number }>().id;

    const deletedPost = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${postId}`,
      headers: moderator.headers,
    });
    expect(deletedPost.statusCode).toBe(204);
    expect((await t.app.inject(`/api/posts/${postId}`)).statusCode).toBe(404);
    const deletedComment = await t.app.inject({
      method: 'DELETE',
      url: `/api/comments/${commentId}`,
      headers: moderator.headers,
    });
    expect(deletedComment.statusCode).toBe(204);
    expect((await t.app.inject(`/api/posts/${otherPost}`)).json()).toMatchObject({ comments: 0 });

    // Admins are moderators too; 404 before anything else.
    const missing = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${ABSENT}`,
      headers: admin.headers,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Post not found' });

    const entries = (await log(admin)).entries;
    expect(entries).toMatchObject([
      {
        actor: { id: moderator.id },
        action: 'delete_comment',
        target: { id: author.id },
        subject: `comment ${commentId} on post ${otherPost}`,
      },
      { actor: { id: moderator.id }, action: 'delete_post', subject: `post ${postId} "Spam"` },
    ]);
    // The author's own deletions are not moderation.
    await t.app.inject({ method: 'DELETE', url: `/api/posts/${otherPost}`, headers: author.headers });
    expect((await log(admin)).total).toBe(2);
  });

  it('cannot edit what is not theirs, and users still cannot delete others’ things', async () => {
    const moderator = await withRole('moderator');
    const author = await signUp(t.app);
    const stranger = await signUp(t.app);
    const postId = await createPost(t.app, author);
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${postId}`,
      headers: moderator.headers,
      payload: { title: 'Mine now' },
    });
    expect(edit.statusCode).toBe(403);
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${postId}`,
      headers: stranger.headers,
    });
    expect(remove.statusCode).toBe(403);
    expect(remove.json()).toEqual({ detail: 'Not authorized to delete this post' });
  });

  it('keep the log readable after accounts are deleted', async () => {
    const admin = await withRole('admin');
    const moderator = await withRole('moderator');
    const author = await signUp(t.app);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${await createPost(t.app, author)}`,
      headers: moderator.headers,
    });
    await t.app.inject({ method: 'DELETE', url: `/api/users/${author.id}`, headers: author.headers });
    expect((await log(admin)).entries[0]).toMatchObject({
      actor: { id: moderator.id, username: moderator.username },
      target: { id: null, username: author.username },
    });
  });
});
