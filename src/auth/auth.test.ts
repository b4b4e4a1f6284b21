import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { passwordResetTokens } from '../auth/reset-tokens.table.js';
import { users } from '../users/users.table.js';
import {
  createTestApp,
  logIn,
  resetLinkIn,
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
interface TokenBody {
  access_token: string;
  token_type: string;
}

const RESET_REQUESTED = 'If an account with that email exists, a password reset link has been sent.';
const PASSWORD_UPDATED = 'Password updated successfully.';
const TOO_MANY = { detail: 'Too many requests. Try again later.' };

function loginForm(app: App, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/users/token',
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

async function loginMultipart(app: App, fields: Record<string, string>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const request = new Request('http://localhost/api/users/token', { method: 'POST', body: form });
  return app.inject({
    method: 'POST',
    url: '/api/users/token',
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type')! },
  });
}

function forgot(app: App, email: unknown) {
  return app.inject({ method: 'POST', url: '/api/users/forgot-password', payload: { email } as object });
}

function resetPassword(app: App, token: string, newPassword: string) {
  return app.inject({
    method: 'POST',
    url: '/api/users/reset-password',
    payload: { token, new_password: newPassword },
  });
}

function me(app: App, token: string) {
  return app.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${token}` } });
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function expectTooMany(response: {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  json: () => unknown;
}) {
  expect(response.statusCode).toBe(429);
  expect(response.json()).toEqual(TOO_MANY);
  // Seconds until the client may try again.
  expect(String(response.headers['retry-after'] ?? ''), 'Retry-After header').toMatch(/^[1-9]\d*$/);
}

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  /** Asks for a reset mail, runs the queue, and returns the link of the newest mail. */
  async function requestReset(email: string): Promise<string> {
    const before = (await t.outbox()).length;
    const response = await forgot(t.app, email);
    expect(response.statusCode).toBe(202);
    await t.app.jobs.runDue();
    const mails = await t.outbox();
    expect(mails).toHaveLength(before + 1);
    return resetLinkIn(mails[mails.length - 1]!);
  }

  const resetRows = (userId: number) =>
    t.app.database.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, userId));

  describe('POST /api/users/token', () => {
    it('logs in with an urlencoded form and answers a working bearer token', async () => {
      const user = await signUp(t.app, { email: 'kim@example.com', password: 'kim password 1' });
      const response = await loginForm(t.app, { username: 'kim@example.com', password: 'kim password 1' });
      expect(response.statusCode).toBe(200);
      const body = response.json<TokenBody>();
      expect(body).toEqual({ access_token: expect.any(String) as unknown, token_type: 'bearer' });
      const who = await me(t.app, body.access_token);
      expect(who.statusCode).toBe(200);
      expect(who.json<{ id: number }>().id).toBe(user.id);
    });

    it('logs in with a multipart form', async () => {
      const user = await signUp(t.app, { email: 'lee@example.com', password: 'lee password 1' });
      const response = await loginMultipart(t.app, {
        username: 'lee@example.com',
        password: 'lee password 1',
      });
      expect(response.statusCode).toBe(200);
      const body = response.json<TokenBody>();
      expect(body).toEqual({ access_token: expect.any(String) as unknown, token_type: 'bearer' });
      expect((await me(t.app, body.access_token)).json<{ id: number }>().id).toBe(user.id);

      const wrong = await loginMultipart(t.app, { username: 'lee@example.com', password: 'wrong password' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ detail: 'Incorrect email or password.' });
    });

    it('accepts the email in any case, with the OAuth2 extra fields', async () => {
      const user = await signUp(t.app, { email: 'mia@example.com', password: 'mia password 1' });
      const response = await loginForm(t.app, {
        grant_type: 'password',
        username: 'MIA@Example.COM',
        password: 'mia password 1',
        scope: '',
      });
      expect(response.statusCode).toBe(200);
      expect((await me(t.app, response.json<TokenBody>().access_token)).json<{ id: number }>().id).toBe(
        user.id,
      );
    });

    it('answers 401 "Incorrect email or password." alike for a wrong password and an unknown email', async () => {
      await signUp(t.app, { email: 'ned@example.com', password: 'ned password 1' });
      const wrongPassword = await loginForm(t.app, {
        username: 'ned@example.com',
        password: 'ned password 2',
      });
      const unknownEmail = await loginForm(t.app, {
        username: 'nobody@example.com',
        password: 'ned password 1',
      });
      const wrongCase = await loginForm(t.app, { username: 'ned@example.com', password: 'NED PASSWORD 1' });
      for (const response of [wrongPassword, unknownEmail, wrongCase]) {
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ detail: 'Incorrect email or password.' });
      }
      expect(unknownEmail.body).toBe(wrongPassword.body);
    });

    it('answers 422 naming a missing username or password', async () => {
      const noUsername = await loginForm(t.app, { password: 'whatever pw' });
      expect(noUsername.statusCode).toBe(422);
      expect(noUsername.json()).toEqual({
        detail: [{ type: 'missing', loc: ['body', 'username'], msg: 'Field required' }],
      });

      const noPassword = await loginForm(t.app, { username: 'a@example.com' });
      expect(noPassword.statusCode).toBe(422);
      expect(noPassword.json()).toEqual({
        detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required' }],
      });

      const neither = await loginForm(t.app, { grant_type: 'password' });
      expect(neither.statusCode).toBe(422);
      expect(neither.json<Validation>().detail).toEqual(
        expect.arrayContaining([
          { type: 'missing', loc: ['body', 'username'], msg: 'Field required' },
          { type: 'missing', loc: ['body', 'password'], msg: 'Field required' },
        ]),
      );

      const multipartMissing = await loginMultipart(t.app, { username: 'a@example.com' });
      expect(multipartMissing.statusCode).toBe(422);
      expect(multipartMissing.json()).toEqual({
        detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required' }],
      });
    });
  });

  describe('POST /api/users/forgot-password', () => {
    it('answers 202 and mails exactly one reset link to an existing account', async () => {
      const user = await signUp(t.app, { username: 'Olga_R', email: 'olga@example.com' });
      const response = await forgot(t.app, 'OLGA@example.com');
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ message: RESET_REQUESTED });

      await t.app.jobs.runDue();
      const mails = await t.outbox();
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      const unfolded = mail.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
      expect(mail).toMatch(/^To: olga@example\.com$/m);
      expect(mail).toMatch(/^Subject: Password Reset Request$/m);
      expect(mail).toMatch(/^From: .*noreply@example\.com/m);
      expect(mail).toMatch(/Content-Type: text\/plain/i);
      expect(mail).toMatch(/Content-Type: text\/html/i);
      expect(unfolded).toContain(user.username);
      const link = resetLinkIn(mail);
      expect(link).toMatch(/^http:\/\/localhost:8000\/reset-password\?token=[A-Za-z0-9_-]{43}$/);

      // Running the queue again sends nothing more.
      await t.app.jobs.runDue();
      expect(await t.outbox()).toHaveLength(1);
    });

    it('answers the same 202 for an unknown email and sends no mail', async () => {
      await signUp(t.app, { email: 'pat@example.com' });
      const response = await forgot(t.app, 'nobody@example.com');
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ message: RESET_REQUESTED });
      await t.app.jobs.runDue();
      expect(await t.outbox()).toEqual([]);
      expect(await t.app.database.db.select().from(passwordResetTokens)).toEqual([]);
    });

    it.each([
      ['a bad email', { email: 'not-an-email' }, ['body', 'email']],
      ['a missing email', {}, ['body', 'email']],
      ['a number', { email: 42 }, ['body', 'email']],
    ])('answers 422 for %s', async (_name, payload, loc) => {
      const response = await t.app.inject({ method: 'POST', url: '/api/users/forgot-password', payload });
      expect(response.statusCode).toBe(422);
      expect(response.json<Validation>().detail).toEqual([expect.objectContaining({ loc })]);
      await t.app.jobs.runDue();
      expect(await t.outbox()).toEqual([]);
    });

    it('stores only the SHA-256 of the token, never the token itself', async () => {
      const user = await signUp(t.app);
      const token = tokenOf(await requestReset(user.email));
      const rows = await resetRows(user.id);
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.tokenHash).not.toBe(token);
      expect(row!.tokenHash).toBe(sha256(token));
      const all = JSON.stringify(await t.app.database.db.select().from(passwordResetTokens));
      expect(all).not.toContain(token);
      // Expires after the default 60 minutes.
      const minutes = (row!.expiresAt.getTime() - Date.now()) / 60_000;
      expect(minutes).toBeGreaterThan(58);
      expect(minutes).toBeLessThanOrEqual(60.5);
    });
  });

  describe('POST /api/users/reset-password', () => {
    it('sets the new password with the token from the mail, once, and revokes older JWTs', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      expect((await me(t.app, user.token)).statusCode).toBe(200);
      const token = tokenOf(await requestReset(user.email));

      const response = await resetPassword(t.app, token, 'new password 1');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ message: PASSWORD_UPDATED });

      await expect(logIn(t.app, user.email, 'new password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
      const old = await loginForm(t.app, { username: user.email, password: 'old password 1' });
      expect(old.statusCode).toBe(401);
      expect(old.json()).toEqual({ detail: 'Incorrect email or password.' });

      const again = await resetPassword(t.app, token, 'third password 1');
      expect(again.statusCode).toBe(400);
      expect(again.json()).toEqual({ detail: 'Invalid or expired reset token.' });
      await expect(logIn(t.app, user.email, 'new password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );

      const revoked = await me(t.app, user.token);
      expect(revoked.statusCode).toBe(401);
      expect(revoked.headers['www-authenticate']).toBe('Bearer');
      expect(revoked.json()).toEqual({ detail: 'Invalid authentication credentials.' });

      expect(await resetRows(user.id)).toEqual([]);
    });

    it('a second request invalidates the first token', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      const first = tokenOf(await requestReset(user.email));
      const second = tokenOf(await requestReset(user.email));
      expect(second).not.toBe(first);
      expect(await resetRows(user.id)).toHaveLength(1);

      const stale = await resetPassword(t.app, first, 'new password 1');
      expect(stale.statusCode).toBe(400);
      expect(stale.json()).toEqual({ detail: 'Invalid or expired reset token.' });
      await expect(logIn(t.app, user.email, 'old password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );

      const fresh = await resetPassword(t.app, second, 'new password 1');
      expect(fresh.statusCode).toBe(200);
      await expect(logIn(t.app, user.email, 'new password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
    });

    it('answers 400 for an expired token and leaves the password alone', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      const token = tokenOf(await requestReset(user.email));
      await t.app.database.db
        .update(passwordResetTokens)
        .set({ expiresAt: new Date(Date.now() - 60_000) })
        .where(eq(passwordResetTokens.userId, user.id));

      const response = await resetPassword(t.app, token, 'new password 1');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ detail: 'Invalid or expired reset token.' });
      await expect(logIn(t.app, user.email, 'old password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
      expect((await me(t.app, user.token)).statusCode).toBe(200);
    });

    it('answers 400 for a garbage token', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      await requestReset(user.email);
      for (const token of ['garbage', '', 'A'.repeat(43)]) {
        const response = await resetPassword(t.app, token, 'new password 1');
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ detail: 'Invalid or expired reset token.' });
      }
      await expect(logIn(t.app, user.email, 'old password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
    });

    it('answers 422 for a short new password and keeps the token usable', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      const token = tokenOf(await requestReset(user.email));
      const short = await resetPassword(t.app, token, 'short');
      expect(short.statusCode).toBe(422);
      expect(short.json<Validation>().detail).toEqual([
        expect.objectContaining({ loc: ['body', 'new_password'], type: 'string_too_short' }),
      ]);

      const missing = await t.app.inject({
        method: 'POST',
        url: '/api/users/reset-password',
        payload: { token },
      });
      expect(missing.statusCode).toBe(422);
      expect(missing.json()).toEqual({
        detail: [{ type: 'missing', loc: ['body', 'new_password'], msg: 'Field required' }],
      });

      expect((await resetPassword(t.app, token, 'new password 1')).statusCode).toBe(200);
    });
  });

  describe('PATCH /api/users/me/password', () => {
    const change = (user: TestUser | null, payload: unknown) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/users/me/password',
        headers: user?.headers ?? {},
        payload: payload as object,
      });

    it('changes the password and answers a fresh token that replaces every older one', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      const otherSession = await logIn(t.app, user.email, 'old password 1');

      const response = await change(user, {
        current_password: 'old password 1',
        new_password: 'new password 1',
      });
      expect(response.statusCode).toBe(200);
      const body = response.json<TokenBody>();
      expect(body).toEqual({
        message: PASSWORD_UPDATED,
        access_token: expect.any(String) as unknown,
        token_type: 'bearer',
      });

      const fresh = await me(t.app, body.access_token);
      expect(fresh.statusCode).toBe(200);
      expect(fresh.json<{ id: number }>().id).toBe(user.id);

      for (const old of [user.token, otherSession]) {
        const revoked = await me(t.app, old);
        expect(revoked.statusCode).toBe(401);
        expect(revoked.json()).toEqual({ detail: 'Invalid authentication credentials.' });
      }

      await expect(logIn(t.app, user.email, 'new password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
      expect((await loginForm(t.app, { username: user.email, password: 'old password 1' })).statusCode).toBe(
        401,
      );
    });

    it.each(['wrong password 1', 'x', ''])(
      'answers 400 "Current password is incorrect." for the current password %j',
      async (wrong) => {
        const user = await signUp(t.app, { password: 'old password 1' });
        const response = await change(user, { current_password: wrong, new_password: 'new password 1' });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ detail: 'Current password is incorrect.' });
        await expect(logIn(t.app, user.email, 'old password 1')).resolves.toEqual(
          expect.any(String) as unknown,
        );
        expect((await me(t.app, user.token)).statusCode).toBe(200);
      },
    );

    it('answers 422 for a short new password', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      const response = await change(user, { current_password: 'old password 1', new_password: 'short' });
      expect(response.statusCode).toBe(422);
      expect(response.json<Validation>().detail).toEqual([
        expect.objectContaining({ loc: ['body', 'new_password'], type: 'string_too_short' }),
      ]);
      await expect(logIn(t.app, user.email, 'old password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
    });

    it('answers 401 without a token, even with an invalid body', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      for (const payload of [
        { current_password: 'old password 1', new_password: 'new password 1' },
        { new_password: 'x' },
      ]) {
        const response = await change(null, payload);
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.json()).toEqual({ detail: 'Not authenticated' });
      }
      await expect(logIn(t.app, user.email, 'old password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
    });

    it('deletes a pending reset token', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      const token = tokenOf(await requestReset(user.email));
      expect(await resetRows(user.id)).toHaveLength(1);

      const response = await change(user, {
        current_password: 'old password 1',
        new_password: 'new password 1',
      });
      expect(response.statusCode).toBe(200);
      expect(await resetRows(user.id)).toEqual([]);

      const reset = await resetPassword(t.app, token, 'attacker password');
      expect(reset.statusCode).toBe(400);
      expect(reset.json()).toEqual({ detail: 'Invalid or expired reset token.' });
      await expect(logIn(t.app, user.email, 'new password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
    });

    it('bumps the token version stored for the user', async () => {
      const user = await signUp(t.app, { password: 'old password 1' });
      await change(user, { current_password: 'old password 1', new_password: 'new password 1' });
      const [row] = await t.app.database.db.select().from(users).where(eq(users.id, user.id));
      expect(row?.tokenVersion).toBe(1);
    });
  });
});

describe('rate limits', () => {
  // Counters live in the app's memory, so each limit gets an app of its own.
  async function withApp(env: Record<string, string>, run: (t: TestApp) => Promise<void>) {
    const t = await createTestApp({ RATE_LIMIT: 'true', ...env });
    try {
      await run(t);
    } finally {
      await t.close();
    }
  }

  it('limits logins per client address, whatever the account and whatever X-Forwarded-For says', () =>
    withApp({ RATE_LIMIT_LOGIN: '3/1m' }, async (t) => {
      const user = await signUp(t.app, { password: 'right password' }); // login 1
      expect(
        (await loginForm(t.app, { username: 'a@example.com', password: 'whatever pw' })).statusCode,
      ).toBe(401); // 2
      expect((await loginForm(t.app, { username: user.email, password: user.password })).statusCode).toBe(
        200,
      ); // 3

      const limited = await loginForm(t.app, { username: user.email, password: user.password });
      expectTooMany(limited);
      const other = await loginForm(t.app, { username: 'b@example.com', password: 'whatever pw' });
      expectTooMany(other);
      const spoofed = await loginForm(
        t.app,
        { username: user.email, password: user.password },
        { 'x-forwarded-for': '203.0.113.9' },
      );
      expectTooMany(spoofed);
      const multipart = await loginMultipart(t.app, { username: user.email, password: user.password });
      expectTooMany(multipart);
    }));

  it('locks one account after N failed logins, even for the right password, while others still log in', () =>
    withApp({ RATE_LIMIT_LOGIN: '100/1m', RATE_LIMIT_LOGIN_FAILURES: '3/15m' }, async (t) => {
      const victim = await signUp(t.app, { email: 'victim@example.com', password: 'victim password' });
      const bystander = await signUp(t.app, {
        email: 'bystander@example.com',
        password: 'bystander password',
      });
      for (let i = 0; i < 3; i++) {
        const failed = await loginForm(t.app, {
          username: 'victim@example.com',
          password: `wrong password ${i}`,
        });
        expect(failed.statusCode).toBe(401);
        expect(failed.json()).toEqual({ detail: 'Incorrect email or password.' });
      }
      const locked = await loginForm(t.app, { username: 'victim@example.com', password: 'victim password' });
      expectTooMany(locked);
      expectTooMany(await loginForm(t.app, { username: 'VICTIM@Example.com', password: 'victim password' }));

      const other = await loginForm(t.app, { username: bystander.email, password: bystander.password });
      expect(other.statusCode).toBe(200);
      // The lock is on logging in only: existing tokens still work.
      expect((await me(t.app, victim.token)).statusCode).toBe(200);
    }));

  it('does not lock an account whose failures were followed by a success', () =>
    withApp({ RATE_LIMIT_LOGIN: '100/1m', RATE_LIMIT_LOGIN_FAILURES: '3/15m' }, async (t) => {
      const user = await signUp(t.app, { password: 'right password' });
      for (let i = 0; i < 2; i++) {
        expect(
          (await loginForm(t.app, { username: user.email, password: 'wrong password' })).statusCode,
        ).toBe(401);
      }
      expect((await loginForm(t.app, { username: user.email, password: 'right password' })).statusCode).toBe(
        200,
      );
      for (let i = 0; i < 2; i++) {
        expect(
          (await loginForm(t.app, { username: user.email, password: 'wrong password' })).statusCode,
        ).toBe(401);
      }
      expect((await loginForm(t.app, { username: user.email, password: 'right password' })).statusCode).toBe(
        200,
      );
    }));

  it('limits registrations per address', () =>
    withApp({ RATE_LIMIT_REGISTER: '2/1h' }, async (t) => {
      const payload = (n: number) => ({
        username: `reg${n}`,
        email: `reg${n}@example.com`,
        password: 'long enough pw',
      });
      expect(
        (await t.app.inject({ method: 'POST', url: '/api/users', payload: payload(1) })).statusCode,
      ).toBe(201);
      expect(
        (await t.app.inject({ method: 'POST', url: '/api/users', payload: payload(1) })).statusCode,
      ).toBe(400);
      const limited = await t.app.inject({ method: 'POST', url: '/api/users', payload: payload(2) });
      expectTooMany(limited);
      expect(await t.app.database.db.select().from(users)).toHaveLength(1);
    }));

  it('limits forgot-password requests per address', () =>
    withApp({ RATE_LIMIT_FORGOT_PASSWORD: '2/1h' }, async (t) => {
      await signUp(t.app, { email: 'quinn@example.com' });
      expect((await forgot(t.app, 'quinn@example.com')).statusCode).toBe(202);
      expect((await forgot(t.app, 'nobody@example.com')).statusCode).toBe(202);
      const limited = await forgot(t.app, 'quinn@example.com');
      expectTooMany(limited);
      await t.app.jobs.runDue();
      expect(await t.outbox()).toHaveLength(1);
    }));

  it('limits reset-password requests per address', () =>
    withApp({ RATE_LIMIT_RESET_PASSWORD: '2/15m' }, async (t) => {
      const user = await signUp(t.app, { password: 'old password 1' });
      expect((await forgot(t.app, user.email)).statusCode).toBe(202);
      await t.app.jobs.runDue();
      const token = tokenOf(resetLinkIn((await t.outbox())[0]!));
      expect((await resetPassword(t.app, 'guess-1', 'new password 1')).statusCode).toBe(400);
      expect((await resetPassword(t.app, 'guess-2', 'new password 1')).statusCode).toBe(400);
      const limited = await resetPassword(t.app, token, 'new password 1');
      expectTooMany(limited);
      await expect(logIn(t.app, user.email, 'old password 1')).resolves.toEqual(
        expect.any(String) as unknown,
      );
    }));
});
