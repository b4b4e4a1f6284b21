// A suspension on two instances of one PostgreSQL database (SPEC section 15): an admin made by the
// command line suspends a user through instance A, and instance B refuses that user's token at its very
// next request, their login and their writes; restored through B, they log in on A again. Nothing is
// shared between the instances but the database: the token version decides, not an in-memory list.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROOT,
  SECRET_KEY,
  call,
  createDatabase,
  errorLogLines,
  freePort,
  json,
  query,
  runTag,
  startApp,
  waitHealthy,
  type AppProcess,
} from './harness.js';

const execFileAsync = promisify(execFile);
const tag = runTag();
const INVALID = { detail: 'Invalid authentication credentials.' };

interface Account {
  id: number;
  email: string;
  password: string;
}

describe('a suspension on two instances of one database', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let a: AppProcess;
  let b: AppProcess;
  let dataDirs: string[] = [];

  beforeAll(async () => {
    database = await createDatabase('blog_system_suspension');
    const [portA, portB] = [await freePort(), await freePort()];
    dataDirs = [
      await mkdtemp(path.join(tmpdir(), 'blog-system-suspension-a-')),
      await mkdtemp(path.join(tmpdir(), 'blog-system-suspension-b-')),
    ];
    const env = (dataDir: string) => ({ DATA_DIR: dataDir, DATABASE_URL: database.url });
    // A migrates the empty database first; B then starts on it.
    a = startApp('instance A', portA, env(dataDirs[0]!));
    await waitHealthy(a);
    b = startApp('instance B', portB, env(dataDirs[1]!));
    await waitHealthy(b);
  });

  afterAll(async () => {
    const stops = await Promise.all([a?.stop(), b?.stop()]);
    console.log(`[suspension] instances stopped: ${JSON.stringify(stops)}`);
    await database?.drop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  async function register(app: AppProcess, name: string): Promise<Account> {
    const email = `${name}-${tag}@example.com`;
    const password = `${name}-password-${tag}`;
    const created = await call(app.base, 'POST', '/api/users', {
      json: { username: `${name}_${tag}`, email, password },
    });
    expect(created.status, created.text).toBe(201);
    return { id: json<{ id: number }>(created).id, email, password };
  }

  const logIn = (app: AppProcess, account: Account) =>
    call(app.base, 'POST', '/api/users/token', {
      form: { username: account.email, password: account.password },
    });

  async function token(app: AppProcess, account: Account): Promise<string> {
    const answer = await logIn(app, account);
    expect(answer.status, answer.text).toBe(200);
    return json<{ access_token: string }>(answer).access_token;
  }

  /** The first admin, made as the README says: `npm run admin -- grant <email> admin` (its built form). */
  async function grantAdmin(email: string): Promise<string> {
    // Its own folder as the working directory, so that no .env of the checkout is read.
    const cwd = await mkdtemp(path.join(tmpdir(), 'blog-system-suspension-cli-'));
    dataDirs.push(cwd);
    const { stdout } = await execFileAsync(
      process.execPath,
      [path.join(ROOT, 'dist', 'moderation', 'admin-cli.js'), 'grant', email, 'admin'],
      {
        cwd,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/root',
          DATABASE_URL: database.url,
          DATA_DIR: cwd,
          SECRET_KEY,
        },
      },
    );
    return stdout.trim();
  }

  const patchUser = (app: AppProcess, adminToken: string, userId: number, suspended: boolean) =>
    call(app.base, 'PATCH', `/api/admin/users/${userId}`, { token: adminToken, json: { suspended } });

  const writePost = (app: AppProcess, userToken: string, title: string) =>
    call(app.base, 'POST', '/api/posts', {
      token: userToken,
      json: { title, content: `Words of ${title}.` },
    });

  it('refuses the suspended token, login and writes on the other instance at once; restored there, the login works on the first', async () => {
    const admin = await register(a, 'admin');
    const granted = await grantAdmin(admin.email);
    expect(granted).toBe(`admin_${tag} (id ${admin.id}) is now admin`);
    const adminToken = await token(b, admin);

    // The user signs up on A and logs in on A; their token works on B, where they write a post.
    const user = await register(a, 'writer');
    const userToken = await token(a, user);
    const meOnB = await call(b.base, 'GET', '/api/users/me', { token: userToken });
    expect(meOnB.status, meOnB.text).toBe(200);
    expect(json(meOnB)).toMatchObject({ id: user.id, role: 'user' });
    const before = await writePost(b, userToken, 'Before');
    expect(before.status, before.text).toBe(201);

    // Suspended through A...
    const suspended = await patchUser(a, adminToken, user.id, true);
    expect(suspended.status, suspended.text).toBe(200);
    expect(json(suspended)).toMatchObject({ id: user.id, suspended: true });

    // ...B refuses the token at its very next request, with no wait and nothing shared but the database.
    const next = await call(b.base, 'GET', '/api/users/me', { token: userToken });
    expect(next.status, next.text).toBe(401);
    expect(json(next)).toEqual(INVALID);
    const write = await writePost(b, userToken, 'After');
    expect(write.status, write.text).toBe(401);
    expect(json(write)).toEqual(INVALID);
    const login = await logIn(b, user);
    expect(login.status, login.text).toBe(403);
    expect(json(login)).toEqual({ detail: 'Account suspended.' });
    // A, where the suspension was made, answers the same.
    const onA = await call(a.base, 'GET', '/api/users/me', { token: userToken });
    expect(onA.status).toBe(401);
    expect(json(onA)).toEqual(INVALID);
    const loginOnA = await logIn(a, user);
    expect(loginOnA.status).toBe(403);
    expect(json(loginOnA)).toEqual({ detail: 'Account suspended.' });
    // The refused write left nothing behind; the post written before stays.
    const titles = await query<{ title: string }>(
      database.url,
      'SELECT title FROM posts WHERE user_id = $1 ORDER BY id',
      [user.id],
    );
    expect(titles.map((row) => row.title)).toEqual(['Before']);

    // Restored through B: a login on A works again, and its token on B; the old token stays revoked.
    const restored = await patchUser(b, adminToken, user.id, false);
    expect(restored.status, restored.text).toBe(200);
    expect(json(restored)).toMatchObject({ id: user.id, suspended: false });
    const fresh = await token(a, user);
    const freshOnB = await call(b.base, 'GET', '/api/users/me', { token: fresh });
    expect(freshOnB.status, freshOnB.text).toBe(200);
    expect(json(freshOnB)).toMatchObject({ id: user.id });
    const again = await writePost(b, fresh, 'Again');
    expect(again.status, again.text).toBe(201);
    for (const app of [a, b]) {
      const old = await call(app.base, 'GET', '/api/users/me', { token: userToken });
      expect(old.status, `${app.name} accepts the token revoked by the suspension`).toBe(401);
      expect(json(old)).toEqual(INVALID);
    }

    // Every action is in the log, newest first, whichever process took it (the grant: the command line).
    const log = await call(a.base, 'GET', '/api/admin/log', { token: adminToken });
    expect(log.status, log.text).toBe(200);
    const actions = json<{ entries: { action: string }[] }>(log).entries.map((entry) => entry.action);
    expect(actions).toEqual(['restore', 'suspend', 'set_role']);
    expect([...errorLogLines(a), ...errorLogLines(b)]).toEqual([]);
  });
});
