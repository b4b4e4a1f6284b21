import type { Database } from '../platform/database/database.js';
import { InvalidError, NotFoundError } from '../platform/errors.js';
import type { Role } from '../users/roles.js';
import type { UsersService } from '../users/users.service.js';
import type { User } from '../users/users.table.js';
import type { ModerationRepository } from './moderation.repository.js';
import type { AdminUser, AdminUsersQuery, LogPage, StandingChange } from './moderation.schemas.js';
import type { ModerationAction, ModerationEntry } from './moderation.table.js';

/** The actor's name in the log for what the command line did. */
export const COMMAND_LINE = '(command line)';
export const NOT_YOURSELF = 'Admins cannot change their own role or suspend themselves.';

/** The account acted on: its id and its name as the log keeps it. */
export interface Party {
  id: number;
  username: string;
}

/**
 * Roles, suspensions and the log of every moderation action. Other features (posts, comments) record
 * their moderators' removals through `recorded`, in the same transaction as the removal.
 */
export class ModerationService {
  constructor(
    private readonly db: Database,
    private readonly log: ModerationRepository,
    private readonly users: UsersService,
  ) {}

  /** Runs `act` and records it, both or neither. */
  recorded<T>(
    actor: User,
    action: ModerationAction,
    target: Party,
    subject: string,
    act: (db: Database) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      const result = await act(tx);
      await this.log.insert(
        {
          actorId: actor.id,
          actorName: actor.username,
          action,
          targetUserId: target.id,
          targetName: target.username,
          subject: subject.slice(0, 200),
        },
        tx,
      );
      return result;
    });
  }

  adminView(user: User): AdminUser {
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      image_path: this.users.imagePath(user.imageFile),
      role: user.role,
      suspended: user.suspended,
      posts: user.postCount,
      followers: user.followers,
      created_at: user.createdAt.toISOString(),
    };
  }

  async listUsers(query: AdminUsersQuery): Promise<AdminUser[]> {
    const q = query.q?.trim() || undefined;
    return (await this.users.search(q, query)).map((user) => this.adminView(user));
  }

  /**
   * Changes a role or suspends or restores an account, and logs each change made. A suspension
   * revokes every token of the account (the token version), so it takes effect at its next request on
   * every instance. An admin cannot demote or suspend themself (the last admin would lock everyone out).
   */
  async setStanding(actor: User, userId: number, change: StandingChange): Promise<AdminUser> {
    const target = await this.users.findById(userId);
    if (!target) throw new NotFoundError('User not found');
    const role = change.role !== undefined && change.role !== target.role ? change.role : undefined;
    const suspended =
      change.suspended !== undefined && change.suspended !== target.suspended ? change.suspended : undefined;
    if (role === undefined && suspended === undefined) return this.adminView(target);
    if (target.id === actor.id) throw new InvalidError(NOT_YOURSELF);

    const updated = await this.db.transaction(async (tx) => {
      const user = await this.users.setStanding(target.id, { role, suspended }, tx);
      if (!user) throw new NotFoundError('User not found');
      const entries: [ModerationAction, string][] = [];
      if (role !== undefined) entries.push(['set_role', `role ${target.role} -> ${role}`]);
      if (suspended !== undefined) {
        entries.push(suspended ? ['suspend', 'account suspended'] : ['restore', 'account restored']);
      }
      for (const [action, subject] of entries) {
        await this.log.insert(
          {
            actorId: actor.id,
            actorName: actor.username,
            action,
            targetUserId: target.id,
            targetName: target.username,
            subject,
          },
          tx,
        );
      }
      return user;
    });
    return this.adminView(updated);
  }

  /**
   * The command line's grant (`npm run admin -- grant <email> <role>`): how the first admin is made.
   * Logged with the command line as the actor.
   */
  async grant(email: string, role: Role): Promise<AdminUser> {
    const target = await this.users.findByEmail(email);
    if (!target) throw new NotFoundError(`No account has the email ${email}`);
    if (target.role === role) return this.adminView(target);
    const updated = await this.db.transaction(async (tx) => {
      const user = await this.users.setStanding(target.id, { role }, tx);
      if (!user) throw new NotFoundError(`No account has the email ${email}`);
      await this.log.insert(
        {
          actorId: null,
          actorName: COMMAND_LINE,
          action: 'set_role',
          targetUserId: target.id,
          targetName: target.username,
          subject: `role ${target.role} -> ${role}`,
        },
        tx,
      );
      return user;
    });
    return this.adminView(updated);
  }

  async logPage(page: { skip: number; limit: number }): Promise<LogPage> {
    const [rows, total] = await Promise.all([this.log.page(page.skip, page.limit), this.log.count()]);
    return {
      entries: rows.map((row) => this.entryView(row)),
      total,
      skip: page.skip,
      limit: page.limit,
      has_more: page.skip + rows.length < total,
    };
  }

  private entryView(row: ModerationEntry) {
    return {
      id: row.id,
      actor: { id: row.actorId, username: row.actorName },
      action: row.action,
      target: { id: row.targetUserId, username: row.targetName },
      subject: row.subject,
      created_at: row.createdAt.toISOString(),
    };
  }
}
