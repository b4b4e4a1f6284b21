// The /admin page and the navbar's Admin link, for an anonymous visitor, a user, a moderator and an
// admin. Pages are the same for every visitor (the reader is known only to the browser, by its token):
// the page holds no account and no log entry, and everything on it comes from the admin API, which
// answers 401 without a token and 403 to anyone but an admin (moderators included).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp, type TestUser } from '../../test/support/index.js';
import type { Role } from '../users/roles.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

async function withRole(role: Role, username: string): Promise<TestUser> {
  const user = await signUp(t.app, { username, email: `${username}@secret.example` });
  await t.app.usersService.setStanding(user.id, { role });
  return user;
}

async function readers(): Promise<[string, Record<string, string>][]> {
  const user = await withRole('user', 'plain_reader');
  const moderator = await withRole('moderator', 'the_moderator');
  const admin = await withRole('admin', 'the_admin');
  return [
    ['anonymous', {}],
    ['user', user.headers],
    ['moderator', moderator.headers],
    ['admin', admin.headers],
  ];
}

describe('/admin', () => {
  it('is the same page for everyone, with no account or log entry in it', async () => {
    const pages = new Set<string>();
    for (const [who, headers] of await readers()) {
      const page = await t.app.inject({ url: '/admin', headers });
      expect(page.statusCode, who).toBe(200);
      expect(page.headers['content-type'], who).toBe('text/html; charset=utf-8');
      pages.add(page.body);
    }
    expect(pages.size).toBe(1);
    const [page] = [...pages];
    expect(page).toContain('<title>Admin · Blog</title>');
    expect(page).toContain('src="/static/js/moderation/admin.js');
    // Shown only once the browser knows the reader is an admin.
    expect(page).toMatch(/<div class="admin-page" id="admin" hidden>/);
    expect(page).toMatch(/id="adminRefused" role="alert" hidden>/);
    for (const secret of ['plain_reader', 'the_moderator', 'the_admin', 'secret.example']) {
      expect(page).not.toContain(secret);
    }
  });

  it('gets its content from the admin API: 401 without a token, 403 but for admins', async () => {
    const expected = { anonymous: 401, user: 403, moderator: 403, admin: 200 } as Record<string, number>;
    for (const [who, headers] of await readers()) {
      for (const url of ['/api/admin/users?q=the', '/api/admin/log']) {
        const response = await t.app.inject({ url, headers });
        expect(response.statusCode, `${who} ${url}`).toBe(expected[who]);
      }
    }
  });
});

describe('the navbar', () => {
  it('has an Admin link, hidden until the browser finds the reader is an admin', async () => {
    const page = await t.app.inject('/');
    expect(page.body).toContain(
      '<li class="nav-item when-signed-in"><a class="nav-link" href="/admin" id="navAdmin" hidden>Admin</a></li>',
    );
    expect(page.body).toContain('src="/static/js/moderation/admin-link.js');
  });
});
