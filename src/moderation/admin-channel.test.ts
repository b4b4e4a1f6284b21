// The admin command's channel to a running server on the embedded database: a Unix socket in DATA_DIR
// that only its owner can use, answering the grant of a role. (The command itself was run by hand on
// both databases; see the README.)
import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../../test/support/index.js';
import { askRunningServer, openAdminChannel, socketPath } from './admin-channel.js';

let t: TestApp;
let close: () => Promise<void>;

beforeAll(async () => {
  t = await createTestApp();
  close = await openAdminChannel(t.dataDir, t.app.moderationService, t.app.log);
});
afterAll(async () => {
  await close();
  await t.close();
});

describe('the admin channel', () => {
  it('is a socket in DATA_DIR with mode 0600', async () => {
    const info = await stat(socketPath(t.dataDir));
    expect(info.isSocket()).toBe(true);
    expect(info.mode & 0o777).toBe(0o600);
  });

  it('grants a role by email (any case), logged as the command line', async () => {
    const user = await signUp(t.app, { email: 'first.admin@example.com' });
    const answer = await askRunningServer(t.dataDir, {
      command: 'grant',
      email: 'First.Admin@Example.com',
      role: 'admin',
    });
    expect(answer).toEqual({ ok: true, user: { id: user.id, username: user.username, role: 'admin' } });
    const log = await t.app.inject({ url: '/api/admin/log', headers: user.headers });
    expect(log.json()).toMatchObject({
      entries: [
        { actor: { id: null, username: '(command line)' }, action: 'set_role', target: { id: user.id } },
      ],
    });
  });

  it('says when no account has the email', async () => {
    const answer = await askRunningServer(t.dataDir, {
      command: 'grant',
      email: 'nobody@example.com',
      role: 'admin',
    });
    expect(answer).toEqual({ ok: false, error: 'No account has the email nobody@example.com' });
  });

  it('is absent when no server runs', async () => {
    expect(
      await askRunningServer('/nonexistent-folder', { command: 'grant', email: 'a@b.c', role: 'user' }),
    ).toBe(undefined);
  });
});
