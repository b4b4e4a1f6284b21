import { createHash, randomBytes } from 'node:crypto';
import { httpErrors } from '@fastify/sensible';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import { passwordResetTokens, users, type User } from '../db/schema.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Mailer } from '../mail/mailer.js';
import { passwordResetMail } from '../mail/templates/password-reset.js';
import type { UsersService } from '../users/users.service.js';
import type { LoginThrottle } from './login-throttle.js';
import { MAX_PASSWORD_LENGTH, hashPassword, spendVerificationTime, verifyPassword } from './passwords.js';
import type { AccessTokens } from './tokens.js';

export const RESET_MAIL_JOB = 'password-reset-mail';
export const TOO_MANY_REQUESTS = 'Too many requests. Try again later.';

interface AuthServiceOptions {
  frontendUrl: string;
  resetTokenExpireMinutes: number;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Logins, and the three ways to change a password: forgot (mail), reset (token from the mail), change. */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly tokens: AccessTokens,
    private readonly throttle: LoginThrottle,
    private readonly jobs: JobQueue,
    private readonly mailer: Mailer,
    private readonly log: FastifyBaseLogger,
    private readonly options: AuthServiceOptions,
  ) {
    jobs.handle(RESET_MAIL_JOB, (payload) => this.sendPasswordResetMail(payload as { email: string }));
  }

  /**
   * A token for the right email and password. Every failure looks and lasts the same, whether or not
   * the account exists: an unknown email is verified against a dummy hash.
   */
  async login(email: string, password: string): Promise<string> {
    const lockedFor = await this.throttle.lockedFor(email);
    if (lockedFor > 0) {
      throw Object.assign(httpErrors.tooManyRequests(TOO_MANY_REQUESTS), {
        headers: { 'retry-after': String(lockedFor) },
      });
    }
    const user = await this.users.findByEmail(email);
    const valid = user
      ? await verifyPassword(user.passwordHash, password)
      : await spendVerificationTime(password).then(() => false);
    if (!user || !valid) {
      await this.throttle.recordFailure(email);
      throw Object.assign(httpErrors.unauthorized('Incorrect email or password.'), {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    await this.throttle.clear(email);
    return this.tokens.issue(user);
  }

  /**
   * Queues the reset mail and returns: the lookup happens in the job, so the answer takes the same time
   * whether or not the account exists, and a restart cannot lose the mail.
   */
  async requestPasswordReset(email: string): Promise<void> {
    await this.jobs.enqueue(RESET_MAIL_JOB, { email });
  }

  private async sendPasswordResetMail({ email }: { email: string }): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user) return;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.options.resetTokenExpireMinutes * 60_000);
    // A new request replaces every older token of the account.
    await this.db.transaction(async (tx) => {
      await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id));
      await tx.insert(passwordResetTokens).values({ userId: user.id, tokenHash: sha256(token), expiresAt });
    });
    const resetLink = `${this.options.frontendUrl}/reset-password?token=${token}`;
    await this.mailer.send(
      passwordResetMail({
        to: user.email,
        username: user.username,
        resetLink,
        expireMinutes: this.options.resetTokenExpireMinutes,
      }),
    );
    // Without a mail server, the developer reading the console is the only recipient.
    if (this.mailer.delivery === 'outbox')
      this.log.info({ to: user.email, resetLink }, 'password reset mail written to the outbox');
  }

  /** Spends the token, sets the password, and revokes every token of the user, reset and access alike. */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const passwordHash = await hashPassword(newPassword);
    const user = await this.db.transaction(async (tx) => {
      const [spent] = await tx
        .delete(passwordResetTokens)
        .where(
          and(
            eq(passwordResetTokens.tokenHash, sha256(token)),
            gt(passwordResetTokens.expiresAt, sql`now()`),
          ),
        )
        .returning({ userId: passwordResetTokens.userId });
      if (!spent) return undefined;
      return this.setPassword(tx, spent.userId, passwordHash);
    });
    if (!user) throw httpErrors.badRequest('Invalid or expired reset token.');
  }

  /** Changes the caller's password and returns a fresh token: every older one is revoked. */
  async changePassword(actor: User, currentPassword: string, newPassword: string): Promise<string> {
    const correct =
      currentPassword.length <= MAX_PASSWORD_LENGTH &&
      (await verifyPassword(actor.passwordHash, currentPassword));
    if (!correct) throw httpErrors.badRequest('Current password is incorrect.');
    const passwordHash = await hashPassword(newPassword);
    const user = await this.db.transaction((tx) => this.setPassword(tx, actor.id, passwordHash));
    if (!user) throw httpErrors.notFound('User not found.');
    return this.tokens.issue(user);
  }

  private async setPassword(tx: Database, userId: number, passwordHash: string): Promise<User | undefined> {
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId));
    const [user] = await tx
      .update(users)
      .set({ passwordHash, tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, userId))
      .returning();
    return user;
  }
}
