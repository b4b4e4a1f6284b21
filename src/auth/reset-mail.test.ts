import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { AuthService } from './auth.service.js';
import { noLoginThrottle } from './login-throttle.js';
import { ResetTokensRepository } from './reset-tokens.repository.js';
import { createAccessTokens } from './tokens.js';
import { passwordResetTokens } from './reset-tokens.table.js';
import { jobs } from '../platform/jobs/jobs.table.js';
import { JobQueue } from '../platform/jobs/job-queue.js';
import { createMailer } from '../platform/mail/create-mailer.js';
import {
  createTestApp,
  signUp,
  startSmtpSink,
  type ReceivedMail,
  type SmtpSink,
  type TestApp,
  type TestUser,
} from '../../test/support/index.js';

const ACCEPTED = { message: 'If an account with that email exists, a password reset link has been sent.' };
const RESET_DONE = { message: 'Password updated successfully.' };
const BAD_TOKEN = { detail: 'Invalid or expired reset token.' };
const LINK = /http:\/\/localhost:8000\/reset-password\?token=([A-Za-z0-9_-]+)/;
const NEW_PASSWORD = 'a brand new passphrase';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function forgot(t: TestApp, email: string) {
  return t.app.inject({ method: 'POST', url: '/api/users/forgot-password', payload: { email } });
}

function resetPassword(t: TestApp, token: string, newPassword = NEW_PASSWORD) {
  return t.app.inject({
    method: 'POST',
    url: '/api/users/reset-password',
    payload: { token, new_password: newPassword },
  });
}

function login(t: TestApp, email: string, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/users/token',
    payload: new URLSearchParams({ username: email, password }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

function me(t: TestApp, token: string) {
  return t.app.inject({ method: 'GET', url: '/api/users/me', headers: { authorization: `Bearer ${token}` } });
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((object) => object.value.map((entry) => entry.address ?? ''));
}

function jobRows(t: TestApp) {
  return t.app.database.db.select().from(jobs);
}

/** Checks one parsed reset mail against SPEC section 8 and returns the raw token of its link. */
function expectResetMail(mail: ParsedMail, user: TestUser): string {
  expect(mail.subject).toBe('Password Reset Request');
  expect(addresses(mail.from)).toEqual(['noreply@example.com']);
  expect(addresses(mail.to)).toEqual([user.email]);

  const text = mail.text ?? '';
  const html = typeof mail.html === 'string' ? mail.html : '';
  expect(text).not.toBe('');
  expect(html).not.toBe('');
  for (const part of [text, html]) {
    expect(part).toContain(user.username);
    expect(part).toContain('60 minutes');
  }

  const textLink = LINK.exec(text);
  expect(textLink, 'a reset link in the text part').not.toBeNull();
  const token = textLink![1]!;
  // 32 random bytes, URL-safe.
  expect(Buffer.from(token, 'base64url')).toHaveLength(32);

  // The HTML part has the same link as a button (an <a href>) and as raw text.
  const hrefs = [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)].map((match) =>
    match[1]!.replace(/&amp;/g, '&'),
  );
  expect(hrefs).toContain(textLink![0]);
  expect(html.replace(/&amp;/g, '&')).toContain(textLink![0]);
  return token;
}

/** A second job runner on the same database, as another instance of the app would be. */
async function secondRunner(
  t: TestApp,
): Promise<{ runDue: () => Promise<number>; close: () => Promise<void> }> {
  const config = t.app.config;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'blog-runner-'));
  if (config.database.kind === 'postgres') {
    // A real second app on the same PostgreSQL database, with its own pool.
    const other = await buildApp({ config: { ...config, dataDir }, runJobs: false, logger: false });
    await other.ready();
    return {
      runDue: () => other.jobs.runDue(),
      close: async () => {
        await other.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  // PGlite lives in this process only: a second queue and mail sender over the same connection.
  const queue = new JobQueue(t.app.database.db, t.app.log);
  const mailer = createMailer(config.mail, dataDir);
  new AuthService(
    t.app.database.db,
    t.app.usersService,
    new ResetTokensRepository(t.app.database.db),
    createAccessTokens(config.jwt),
    noLoginThrottle,
    queue,
    mailer,
    t.app.log,
    { frontendUrl: config.frontendUrl, resetTokenExpireMinutes: config.resetTokenExpireMinutes },
  );
  return {
    runDue: () => queue.runDue(),
    close: async () => {
      mailer.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------

describe('password-reset mail over SMTP', () => {
  const received: ReceivedMail[] = [];
  let smtp: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtpSink({ received });
    t = await createTestApp({ MAIL_SERVER: '127.0.0.1', MAIL_PORT: String(smtp.port) });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(async () => {
    await t.reset();
    smtp.received.length = 0;
  });

  it('sends one mail with a text and an HTML part to the account, after the response', async () => {
    const user = await signUp(t.app);
    const response = await forgot(t, user.email);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual(ACCEPTED);
    // Nothing is sent while answering: the mail waits in the durable queue.
    expect(smtp.received).toHaveLength(0);
    expect(await jobRows(t)).toHaveLength(1);

    expect(await t.app.jobs.runDue()).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const { mail, rcptTo, mailFrom } = smtp.received[0]!;
    expect(rcptTo).toEqual([user.email]);
    expect(mailFrom).toBe('noreply@example.com');
    expectResetMail(mail, user);

    expect(await jobRows(t)).toEqual([]);
    expect(await t.app.jobs.runDue()).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });

  it('finds the account whatever the case of the address given', async () => {
    const user = await signUp(t.app);
    expect((await forgot(t, user.email.toUpperCase())).statusCode).toBe(202);
    await t.app.jobs.runDue();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.rcptTo).toEqual([user.email]);
  });

  it('sends nothing for an unknown address, with the same answer', async () => {
    const user = await signUp(t.app);
    const known = await forgot(t, user.email);
    const unknown = await forgot(t, 'nobody-here@example.com');
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(unknown.headers['content-type']).toBe(known.headers['content-type']);

    expect(await t.app.jobs.runDue()).toBe(2);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.rcptTo).toEqual([user.email]);
    expect(await jobRows(t)).toEqual([]);
  });

  it('keeps the mail while the SMTP server is down and delivers it once when it is back', async () => {
    const user = await signUp(t.app);
    await smtp.close();
    try {
      const response = await forgot(t, user.email);
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual(ACCEPTED);

      const before = Date.now();
      expect(await t.app.jobs.runDue()).toBe(1);
      expect(smtp.received).toHaveLength(0);
      const [job, ...others] = await jobRows(t);
      expect(others).toEqual([]);
      expect(job!.attempts).toBe(1);
      expect(job!.lastError).toEqual(expect.any(String));
      expect(job!.lastError).not.toBe('');
      // Retried later with backoff (first retry 5 s on), not straight away.
      expect(new Date(job!.runAt).getTime()).toBeGreaterThan(before + 3_000);
      expect(await t.app.jobs.runDue()).toBe(0);
    } finally {
      smtp = await startSmtpSink({ port: smtp.port, received }); // the same port
    }

    // Back up, but the retry is not due yet.
    expect(await t.app.jobs.runDue()).toBe(0);
    expect(smtp.received).toHaveLength(0);

    await t.app.database.db.update(jobs).set({ runAt: sql`now()` });
    expect(await t.app.jobs.runDue()).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const token = expectResetMail(smtp.received[0]!.mail, user);
    expect(await jobRows(t)).toEqual([]);

    expect(await t.app.jobs.runDue()).toBe(0);
    expect(smtp.received).toHaveLength(1);

    // The link that finally arrived is the one that works.
    const reset = await resetPassword(t, token);
    expect(reset.statusCode, reset.body).toBe(200);
  });

  it('never delivers a job twice when runners race', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5, 6].map(() => signUp(t.app)));
    // One job, two concurrent runs of the same queue.
    expect((await forgot(t, users[0]!.email)).statusCode).toBe(202);
    await Promise.all([t.app.jobs.runDue(), t.app.jobs.runDue()]);
    expect(smtp.received.map((r) => r.rcptTo)).toEqual([[users[0]!.email]]);
    smtp.received.length = 0;

    // Several jobs, several runs of this queue and of another runner on the same database.
    for (const user of users) expect((await forgot(t, user.email)).statusCode).toBe(202);
    const other = await secondRunner(t);
    try {
      const counts = await Promise.all([
        t.app.jobs.runDue(),
        other.runDue(),
        t.app.jobs.runDue(),
        other.runDue(),
      ]);
      // Same-queue calls share one drain; together the runners ran each job exactly once.
      expect(counts[0] + counts[1]).toBe(users.length);
    } finally {
      await other.close();
    }
    const recipients = smtp.received.flatMap((r) => r.rcptTo).sort();
    expect(recipients).toEqual(users.map((u) => u.email).sort());
    expect(await jobRows(t)).toEqual([]);
    expect(await t.app.jobs.runDue()).toBe(0);
    expect(smtp.received).toHaveLength(users.length);
  });

  it('resets the password with the link from the mail, once, revoking older tokens', async () => {
    const user = await signUp(t.app);
    const oldJwt = user.token;
    expect((await me(t, oldJwt)).statusCode).toBe(200);

    expect((await forgot(t, user.email)).statusCode).toBe(202);
    await t.app.jobs.runDue();
    expect(smtp.received).toHaveLength(1);
    const token = expectResetMail(smtp.received[0]!.mail, user);

    const reset = await resetPassword(t, token);
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toEqual(RESET_DONE);

    const fresh = await login(t, user.email, NEW_PASSWORD);
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect((await me(t, fresh.json<{ access_token: string }>().access_token)).statusCode).toBe(200);

    const old = await login(t, user.email, user.password);
    expect(old.statusCode).toBe(401);
    expect(old.json()).toEqual({ detail: 'Incorrect email or password.' });

    const reused = await resetPassword(t, token, 'yet another passphrase');
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toEqual(BAD_TOKEN);

    const revoked = await me(t, oldJwt);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toEqual({ detail: 'Invalid authentication credentials.' });

    expect(
      await t.app.database.db
        .select()
        .from(passwordResetTokens)
        .where(eq(passwordResetTokens.userId, user.id)),
    ).toEqual([]);
  });

  it('a newer request voids the link of an older one', async () => {
    const user = await signUp(t.app);
    await forgot(t, user.email);
    await t.app.jobs.runDue();
    await forgot(t, user.email);
    await t.app.jobs.runDue();
    expect(smtp.received).toHaveLength(2);
    const first = expectResetMail(smtp.received[0]!.mail, user);
    const second = expectResetMail(smtp.received[1]!.mail, user);
    expect(second).not.toBe(first);

    expect((await resetPassword(t, first)).json()).toEqual(BAD_TOKEN);
    expect((await resetPassword(t, second)).statusCode).toBe(200);
  });
});

describe('password-reset mail in the embedded outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  it('writes an .eml that parses into the same mail, and its link resets the password', async () => {
    const user = await signUp(t.app);
    const response = await forgot(t, user.email);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual(ACCEPTED);
    expect(await t.outbox()).toEqual([]);

    expect(await t.app.jobs.runDue()).toBe(1);
    const files = await t.outbox();
    expect(files).toHaveLength(1);
    const mail = await simpleParser(files[0]!);
    const token = expectResetMail(mail, user);

    expect((await resetPassword(t, token)).json()).toEqual(RESET_DONE);
    expect((await login(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
    expect((await login(t, user.email, user.password)).statusCode).toBe(401);
    expect((await resetPassword(t, token)).json()).toEqual(BAD_TOKEN);
    expect((await me(t, user.token)).json()).toEqual({ detail: 'Invalid authentication credentials.' });
  });

  it('writes nothing for an unknown address', async () => {
    expect((await forgot(t, 'ghost@example.com')).json()).toEqual(ACCEPTED);
    expect(await t.app.jobs.runDue()).toBe(1);
    expect(await t.outbox()).toEqual([]);
  });
});
