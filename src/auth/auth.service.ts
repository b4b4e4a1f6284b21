import { createHash, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../platform/database/database.js';
import {
  ForbiddenError,
  InvalidError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
} from '../platform/errors.js';
import { TOO_MANY_REQUESTS } from '../platform/http/rate-limit.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { Mailer } from '../platform/mail/mailer.js';
import type { UsersService } from '../users/users.service.js';
import type { User } from '../users/users.table.js';
import type { LoginThrottle } from './login-throttle.js';
import { MAX_PASSWORD_LENGTH, hashPassword, spendVerificationTime, verifyPassword } from './passwords.js';
import { passwordResetMail } from './reset-mail.js';
import type { ResetTokensRepository } from './reset-tokens.repository.js';
import type { AccessTokens } from './tokens.js';

export const RESET_MAIL_JOB = 'password-reset-mail';
export const INCORRECT_LOGIN = 'Incorrect email or password.';
export const ACCOUNT_SUSPENDED = 'Account suspended.';

export interface AuthServiceOptions {
  frontendUrl: string;
  resetTokenExpireMinutes: number;
}

export interface Registration {
  username: string;
  email: string;
  password: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Signing up and in, and the three ways to change a password: forgot (mail), reset (token from the
 * mail), change. The accounts themselves are the users feature's.
 */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly resetTokens: ResetTokensRepository,
    private readonly tokens: AccessTokens,
    private readonly throttle: LoginThrottle,
    private readonly jobs: JobQueue,
    private readonly mailer: Mailer,
    private readonly log: FastifyBaseLogger,
    private readonly options: AuthServiceOptions,
  ) {
    jobs.handle(RESET_MAIL_JOB, (payload) => this.sendPasswordResetMail(payload as { email: string }));
  }

  /** A new account. Names are checked before the password is hashed, which is the slow part. */
  async register({ username, email, password }: Registration): Promise<User> {
    await this.users.assertAvailable({ username, email });
    return this.users.create({ username, email, passwordHash: await hashPassword(password) });
  }

  /** A new account and a token for it: a client that signs someone up need not log them in again. */
  async registerAndSignIn(registration: Registration): Promise<{ user: User; token: string }> {
    const user = await this.register(registration);
    return { user, token: await this.tokens.issue(user) };
  }

  /**
   * A token for the right email and password. Every failure looks and lasts the same, whether or not
   * the account exists: an unknown email is verified against a dummy hash.
   */
  async login(email: string, password: string): Promise<string> {
    const lockedFor = await this.throttle.lockedFor(email);
    if (lockedFor > 0) throw new RateLimitedError(TOO_MANY_REQUESTS, lockedFor);
    const user = await this.users.findByEmail(email);
    const valid = user
      ? await verifyPassword(user.passwordHash, password)
      : await spendVerificationTime(password).then(() => false);
    if (!user || !valid) {
      await this.throttle.recordFailure(email);
      throw new UnauthenticatedError(INCORRECT_LOGIN);
    }
    await this.throttle.clear(email);
    // Said only to whoever knows the password, so it tells no one else that the account exists.
    if (user.suspended) throw new ForbiddenError(ACCOUNT_SUSPENDED);
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
    await this.resetTokens.replace(user.id, sha256(token), expiresAt);
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
      const userId = await this.resetTokens.spend(sha256(token), tx);
      return userId === undefined ? undefined : this.setPassword(tx, userId, passwordHash);
    });
    if (!user) throw new InvalidError('Invalid or expired reset token.');
  }

  /** Changes the caller's password and returns a fresh token: every older one is revoked. */
  async changePassword(actor: User, currentPassword: string, newPassword: string): Promise<string> {
    const correct =
      currentPassword.length <= MAX_PASSWORD_LENGTH &&
      (await verifyPassword(actor.passwordHash, currentPassword));
    if (!correct) throw new InvalidError('Current password is incorrect.');
    const passwordHash = await hashPassword(newPassword);
    const user = await this.db.transaction((tx) => this.setPassword(tx, actor.id, passwordHash));
    if (!user) throw new NotFoundError('User not found.');
    return this.tokens.issue(user);
  }

  private async setPassword(tx: Database, userId: number, passwordHash: string): Promise<User | undefined> {
    await this.resetTokens.deleteAllOf(userId, tx);
    return this.users.setPassword(userId, passwordHash, tx);
  }
}
