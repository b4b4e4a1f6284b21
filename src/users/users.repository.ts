import { and, asc, eq, gt, ilike, ne, or, sql } from 'drizzle-orm';
import type { Database, DatabaseConnection } from '../platform/database/database.js';
import { prepareOnPrimary } from '../platform/database/prepared.js';
import { sharedReadPerKey } from '../platform/database/shared-read.js';
import { authorColumns, type AuthorRow } from './authors.js';
import type { Role } from './roles.js';
import { users, type User } from './users.table.js';

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
}

/** The only code that reads or writes the `users` table. */
export class UsersRepository {
  /**
   * Read on the primary only: the authentication of every request must see a password change or a
   * suspension at once, and a profile just changed must read back as changed.
   */
  readonly statements;
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
    this.statements = prepareOnPrimary(connection, (db, prepare) => ({
      // Every authenticated request reads its user.
      byId: prepare(
        'user_by_id',
        db
          .select()
          .from(users)
          .where(eq(users.id, sql.placeholder('id'))),
      ),
      // Every login.
      byEmail: prepare(
        'user_by_email',
        db
          .select()
          .from(users)
          .where(sql`lower(${users.email}) = lower(${sql.placeholder('email')})`),
      ),
      list: prepare(
        'users_by_id',
        db
          .select()
          .from(users)
          .orderBy(asc(users.id))
          .offset(sql.placeholder('skip'))
          .limit(sql.placeholder('limit')),
      ),
      // Suggestions of whom to follow: a walk of users_followers_idx from the most followed down to
      // those with one follower, skipping those named, the suspended and those who never published.
      mostFollowed: prepare(
        'users_most_followed',
        db
          .select(authorColumns)
          .from(users)
          .where(
            and(
              gt(users.followers, 0),
              gt(users.postCount, 0),
              eq(users.suspended, false),
              sql`${users.id} <> ALL(${sql.placeholder('except')}::int[])`,
            ),
          )
          // NULLS LAST as in the index (drizzle's `.desc()` made it so), or the index could not give
          // the order; `followers` is never null, so the order is the same.
          .orderBy(sql`${users.followers} DESC NULLS LAST`, asc(users.id))
          .limit(sql.placeholder('limit')),
      ),
      // Which of a few users (by primary key) are authors one may suggest: not suspended, published.
      suggestable: prepare(
        'users_suggestable',
        db
          .select(authorColumns)
          .from(users)
          .where(
            and(
              sql`${users.id} = ANY(${sql.placeholder('ids')}::int[])`,
              gt(users.postCount, 0),
              eq(users.suspended, false),
            ),
          ),
      ),
      postCount: prepare(
        'user_post_count',
        db
          .select({ postCount: users.postCount })
          .from(users)
          .where(eq(users.id, sql.placeholder('id'))),
      ),
    }));
  }

  /** Shared by the requests that ask for the same user at once (a client's parallel requests). */
  private readonly byIdShared = sharedReadPerKey(async (id: number) => {
    const [user] = await this.statements.byId.execute({ id });
    return user;
  });

  async findById(id: number): Promise<User | undefined> {
    const user = await this.byIdShared(id);
    // Each caller its own object: a request may change its copy.
    return user && { ...user };
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const [user] = await this.statements.byEmail.execute({ email });
    return user;
  }

  /** The user of this name, compared without case (the unique index is on `lower(username)`). */
  async findByUsername(username: string): Promise<User | undefined> {
    const [user] = await this.db
      .select()
      .from(users)
      .where(sql`lower(${users.username}) = lower(${username})`);
    return user;
  }

  /** Whether another user (not `exceptId`) has this username or email, compared without case. */
  async isTaken(field: 'username' | 'email', value: string, exceptId?: number): Promise<boolean> {
    const column = field === 'username' ? users.username : users.email;
    const [row] = await this.db
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          sql`lower(${column}) = lower(${value})`,
          exceptId === undefined ? undefined : ne(users.id, exceptId),
        ),
      )
      .limit(1);
    return row !== undefined;
  }

  list(skip: number, limit: number): Promise<User[]> {
    return this.statements.list.execute({ skip, limit });
  }

  async insert(user: NewUser): Promise<User> {
    const [created] = await this.db.insert(users).values(user).returning();
    if (!created) throw new Error('insert returned no row');
    return created;
  }

  async update(
    id: number,
    changes: { username?: string; email?: string; bio?: string | null },
  ): Promise<User | undefined> {
    const [updated] = await this.db.update(users).set(changes).where(eq(users.id, id)).returning();
    return updated;
  }

  /** Deletes the user (their posts, likes and tokens go by cascade); returns their picture file. */
  async delete(id: number): Promise<{ imageFile: string | null } | undefined> {
    const [deleted] = await this.db
      .delete(users)
      .where(eq(users.id, id))
      .returning({ imageFile: users.imageFile });
    return deleted;
  }

  /** Sets the picture and returns the one it replaced, read under the same row lock. */
  setImageFile(id: number, imageFile: string | null) {
    return this.db.transaction(async (tx) => {
      const [current] = await tx
        .select({ imageFile: users.imageFile })
        .from(users)
        .where(eq(users.id, id))
        .for('update');
      if (!current) return undefined;
      const [updated] = await tx.update(users).set({ imageFile }).where(eq(users.id, id)).returning();
      return updated && { updated, previous: current.imageFile };
    });
  }

  /** Sets the password hash and bumps the token version, which revokes every token issued before. */
  async setPassword(id: number, passwordHash: string, db: Database = this.db): Promise<User | undefined> {
    const [user] = await db
      .update(users)
      .set({ passwordHash, tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, id))
      .returning();
    return user;
  }

  async postCount(id: number): Promise<number | undefined> {
    const [row] = await this.statements.postCount.execute({ id });
    return row?.postCount;
  }

  /**
   * Changes an account's role or suspension. Suspending bumps the token version, which revokes every
   * token of the account on every instance at its next request.
   */
  async setStanding(
    id: number,
    changes: { role?: Role; suspended?: boolean },
    db: Database = this.db,
  ): Promise<User | undefined> {
    const [user] = await db
      .update(users)
      .set({
        ...changes,
        ...(changes.suspended && { tokenVersion: sql`${users.tokenVersion} + 1` }),
      })
      .where(eq(users.id, id))
      .returning();
    return user;
  }

  /** Users whose name or email contains `q` (any case), by id; everyone without `q`. */
  search(q: string | undefined, skip: number, limit: number): Promise<User[]> {
    const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    return this.db
      .select()
      .from(users)
      .where(pattern ? or(ilike(users.username, pattern), ilike(users.email, pattern)) : undefined)
      .orderBy(asc(users.id))
      .offset(skip)
      .limit(limit);
  }

  /**
   * The most followed authors, for suggestions: only those someone follows, who published something and
   * are not suspended, and not those named in `except`.
   */
  mostFollowed(limit: number, except: number[]): Promise<AuthorRow[]> {
    return this.statements.mostFollowed.execute({ limit, except });
  }

  /** Those of `ids` who published something and are not suspended (in no particular order). */
  suggestable(ids: number[]): Promise<AuthorRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.statements.suggestable.execute({ ids });
  }

  /** Ids of users who wrote anything, by id, for the sitemap. */
  async authorIds(limit: number): Promise<number[]> {
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .where(sql`${users.postCount} > 0`)
      .orderBy(users.id)
      .limit(limit);
    return rows.map((row) => row.id);
  }
}
