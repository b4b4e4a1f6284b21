// The app behind PgBouncer in transaction pooling mode (Debian's 1.18, which knows nothing of named
// prepared statements, and refuses startup options: DATABASE_PLANNER_SETTINGS=false): with
// DATABASE_PREPARED_STATEMENTS=false the API's main journeys run through it,
// many at once, without a server error. The control: with named statements (the default) the same
// reads through the pooler fail, which is why the setting exists. Migrations run on the server itself,
// as the README says (their advisory lock is held for a session, which transaction pooling does not keep).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetLinkIn } from '../test/support/mail.js';
import {
  PG_SERVER_URL,
  ROOT,
  call,
  countBy,
  createDatabase,
  errorLogLines,
  freePort,
  json,
  runTag,
  startApp,
  startPgbouncer,
  until,
  waitHealthy,
  type AppProcess,
  type Pooler,
} from './harness.js';

const tag = runTag();

/** One user's whole life through the API: every answer's status, in order. */
async function journey(app: AppProcess, dataDir: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  const step = async (answer: Promise<Awaited<ReturnType<typeof call>>>) => {
    const result = await answer;
    statuses.push(result.status);
    return result;
  };
  const email = `bouncer-${tag}-${n}@example.com`;
  const created = await step(
    call(app.base, 'POST', '/api/users', {
      json: { username: `bouncer_${tag}_${n}`, email, password: 'a bouncer password' },
    }),
  );
  const userId = json<{ id: number }>(created).id;
  const login = await step(
    call(app.base, 'POST', '/api/users/token', { form: { username: email, password: 'a bouncer password' } }),
  );
  const token = json<{ access_token: string }>(login).access_token;
  await step(call(app.base, 'GET', '/api/users/me', { token }));
  const post = await step(
    call(app.base, 'POST', '/api/posts', {
      token,
      json: { title: `Post ${n}`, content: 'Through the pooler' },
    }),
  );
  const postId = json<{ id: number }>(post).id;
  await step(call(app.base, 'GET', '/api/posts'));
  await step(call(app.base, 'GET', `/api/posts/${postId}`));
  await step(call(app.base, 'GET', `/api/users/${userId}/posts`));
  await step(call(app.base, 'PATCH', `/api/posts/${postId}`, { token, json: { content: 'Edited' } }));
  await step(call(app.base, 'POST', `/api/posts/${postId}/like`, { token }));
  const comment = await step(
    call(app.base, 'POST', `/api/posts/${postId}/comments`, { token, json: { content: 'A comment' } }),
  );
  await step(call(app.base, 'GET', `/api/posts/${postId}/comments`));
  await step(call(app.base, 'DELETE', `/api/comments/${json<{ id: number }>(comment).id}`, { token }));
  // The article at its canonical address (`/posts/{id}` answers 301 there).
  await step(call(app.base, 'GET', `/posts/${postId}/${json<{ slug: string }>(post).slug}`));
  await step(call(app.base, 'GET', '/'));
  // The reset journey: the mail job runs on the pooled connections too.
  await step(call(app.base, 'POST', '/api/users/forgot-password', { json: { email } }));
  const link = await until(
    `the reset mail of user ${n}`,
    20_000,
    async () => {
      const outbox = path.join(dataDir, 'outbox');
      const files = await readdir(outbox).catch(() => [] as string[]);
      for (const file of files) {
        const mail = await readFile(path.join(outbox, file), 'utf8');
        if (mail.includes(email)) return resetLinkIn(mail);
      }
      return undefined;
    },
    (found) => found !== undefined,
  );
  const token64 = new URL(link.value!).searchParams.get('token') ?? '';
  await step(
    call(app.base, 'POST', '/api/users/reset-password', {
      json: { token: token64, new_password: 'a new password' },
    }),
  );
  const again = await step(
    call(app.base, 'POST', '/api/users/token', { form: { username: email, password: 'a new password' } }),
  );
  const fresh = json<{ access_token: string }>(again).access_token;
  await step(call(app.base, 'DELETE', `/api/posts/${postId}`, { token: fresh }));
  await step(call(app.base, 'DELETE', `/api/users/${userId}`, { token: fresh }));
  return statuses;
}

describe('behind PgBouncer in transaction pooling mode', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let pooler: Pooler;
  const apps: AppProcess[] = [];
  const dataDirs: string[] = [];
  let databaseName: string;

  async function appThroughPooler(
    env: Record<string, string>,
  ): Promise<{ app: AppProcess; dataDir: string }> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'blog-system-bouncer-'));
    dataDirs.push(dataDir);
    const app = startApp(`app-${apps.length}`, await freePort(), {
      DATA_DIR: dataDir,
      DATABASE_URL: pooler.urlFor(databaseName),
      MIGRATE_ON_START: 'false',
      RATE_LIMIT: 'false',
      ...env,
    });
    apps.push(app);
    await waitHealthy(app);
    return { app, dataDir };
  }

  beforeAll(async () => {
    database = await createDatabase('blog_system_bouncer');
    databaseName = new URL(database.url).pathname.slice(1);
    // Migrations on the server itself, with the app's own command.
    execFileSync(process.execPath, [path.join(ROOT, 'dist/platform/database/migrate.js')], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.url,
        DATA_DIR: tmpdir(),
        SECRET_KEY: 'x'.repeat(40),
      },
      stdio: 'pipe',
    });
    const server = new URL(PG_SERVER_URL);
    pooler = await startPgbouncer({ host: server.hostname, port: Number(server.port || 5432) });
  });

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await pooler?.stop();
    await database?.drop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  it('runs the main journeys, 12 users at once, with unnamed statements and no server error', async () => {
    const { app, dataDir } = await appThroughPooler({
      DATABASE_PREPARED_STATEMENTS: 'false',
      DATABASE_PLANNER_SETTINGS: 'false',
    });
    const runs = await Promise.all(Array.from({ length: 12 }, (_, n) => journey(app, dataDir, n)));
    const statuses = runs.flat();
    console.log(`[bouncer] ${statuses.length} requests: ${JSON.stringify(countBy(statuses))}`);
    expect(statuses.filter((status) => status >= 500 || status === 0)).toEqual([]);
    for (const run of runs) {
      expect(run).toEqual([
        201, 200, 200, 201, 200, 200, 200, 200, 200, 201, 200, 204, 200, 200, 202, 200, 200, 204, 204,
      ]);
    }
    expect(errorLogLines(app)).toEqual([]);
  });

  it('fails with named statements, the default, which is what the setting is for', async () => {
    const { app } = await appThroughPooler({ DATABASE_PLANNER_SETTINGS: 'false' });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(app.base, 'GET', i % 2 ? '/api/posts?limit=3' : '/api/users?limit=5'),
      ),
    );
    const statuses = countBy(answers.map((answer) => answer.status));
    console.log(`[bouncer] named statements through the pooler: ${JSON.stringify(statuses)}`);
    expect(answers.some((answer) => answer.status >= 500)).toBe(true);
  });
});
