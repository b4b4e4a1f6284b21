import { httpErrors } from '@fastify/sensible';
import { asc, eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { hashPassword } from '../auth/passwords.js';
import type { Database } from '../db/database.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import { users, type User } from '../db/schema.js';
import type { Storage } from '../storage/storage.js';
import { PICTURE_FOLDER } from './user-views.js';

export const USERNAME_TAKEN = 'Username already exists';
export const EMAIL_TAKEN = 'Email already registered';

// The unique indexes are the real guard; the checks before a write only make the usual case cheap.
const UNIQUE_INDEX_MESSAGES: Record<string, string> = {
  users_username_lower_key: USERNAME_TAKEN,
  users_email_lower_key: EMAIL_TAKEN,
};

export interface Registration {
  username: string;
  email: string;
  password: string;
}

export interface ProfileChanges {
  username?: string | null | undefined;
  email?: string | null | undefined;
}

export class UsersService {
  // Every authenticated request reads its user: prepared once (see PostsService).
  private readonly userById;

  constructor(
    private readonly db: Database,
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
  ) {
    this.userById = db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('user_by_id');
  }

  async register({ username, email, password }: Registration): Promise<User> {
    email = email.toLowerCase();
    await this.assertAvailable({ username, email });
    const passwordHash = await hashPassword(password);
    const [user] = await this.writeProfile(() =>
      this.db.insert(users).values({ username, email, passwordHash }).returning(),
    );
    if (!user) throw new Error('insert returned no row');
    return user;
  }

  async findById(id: number): Promise<User | undefined> {
    const [user] = await this.userById.execute({ id });
    return user;
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const [user] = await this.db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`);
    return user;
  }

  list(page: { skip: number; limit: number }): Promise<User[]> {
    return this.db.select().from(users).orderBy(asc(users.id)).offset(page.skip).limit(page.limit);
  }

  async update(actor: User, id: number, changes: ProfileChanges): Promise<User> {
    const target = await this.findById(id);
    if (!target) throw httpErrors.notFound('User not found.');
    if (target.id !== actor.id) throw httpErrors.forbidden('Not authorized to update this user.');

    const username = changes.username ?? undefined;
    const email = changes.email?.toLowerCase() ?? undefined;
    if (username === undefined && email === undefined) return target;
    await this.assertAvailable({ username, email }, target.id);
    const [updated] = await this.writeProfile(() =>
      this.db.update(users).set({ username, email }).where(eq(users.id, target.id)).returning(),
    );
    if (!updated) throw httpErrors.notFound('User not found.');
    return updated;
  }

  /** Deletes the user with their posts, likes and reset tokens (cascades), then their stored picture. */
  async delete(actor: User, id: number): Promise<void> {
    const target = await this.findById(id);
    if (!target) throw httpErrors.notFound('User not found.');
    if (target.id !== actor.id) throw httpErrors.forbidden('Not authorized to delete this user.');
    const [deleted] = await this.db
      .delete(users)
      .where(eq(users.id, target.id))
      .returning({ imageFile: users.imageFile });
    if (deleted?.imageFile) await this.deletePicture(deleted.imageFile);
  }

  /** Removes a stored picture that nothing points at any more; a failure leaves an orphan, logged. */
  async deletePicture(imageFile: string): Promise<void> {
    try {
      await this.storage.delete(`${PICTURE_FOLDER}/${imageFile}`);
    } catch (error) {
      this.log.error({ err: error, imageFile }, 'could not delete a stored picture; it is left orphaned');
    }
  }

  private async assertAvailable(
    wanted: { username?: string | undefined; email?: string | undefined },
    exceptId?: number,
  ) {
    if (
      wanted.username !== undefined &&
      (await this.isTaken(sql`lower(${users.username}) = lower(${wanted.username})`, exceptId))
    ) {
      throw httpErrors.badRequest(USERNAME_TAKEN);
    }
    if (
      wanted.email !== undefined &&
      (await this.isTaken(sql`lower(${users.email}) = lower(${wanted.email})`, exceptId))
    ) {
      throw httpErrors.badRequest(EMAIL_TAKEN);
    }
  }

  private async isTaken(condition: ReturnType<typeof sql>, exceptId: number | undefined): Promise<boolean> {
    const [row] = await this.db
      .select({ id: users.id })
      .from(users)
      .where(exceptId === undefined ? condition : sql`${condition} AND ${users.id} <> ${exceptId}`)
      .limit(1);
    return row !== undefined;
  }

  /** Runs an insert or update of a profile, turning a lost race on a unique index into the usual 400. */
  private async writeProfile<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const message = UNIQUE_INDEX_MESSAGES[violatedUniqueConstraint(error) ?? ''];
      if (message) throw httpErrors.badRequest(message);
      throw error;
    }
  }
}
