import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../platform/database/database.js';
import { violatedUniqueConstraint } from '../platform/database/driver-errors.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/errors.js';
import type { Storage } from '../platform/storage/storage.js';
import type { AuthorRow } from './authors.js';
import type { NewUser, UsersRepository } from './users.repository.js';
import type { Role } from './roles.js';
import type { UserPrivate, UserProfile, UserPublic, UserUpdate } from './users.schemas.js';
import type { User } from './users.table.js';

export const USERNAME_TAKEN = 'Username already exists';
export const EMAIL_TAKEN = 'Email already registered';
export const DEFAULT_AVATAR = '/static/profile_pics/default.jpg';
export const PICTURE_FOLDER = 'profile_pics';

// The unique indexes are the real guard; the checks before a write only make the usual case cheap.
const UNIQUE_INDEX_MESSAGES: Record<string, string> = {
  users_username_lower_key: USERNAME_TAKEN,
  users_email_lower_key: EMAIL_TAKEN,
};

/** Whether `followerId` follows `userId`: provided by the follows feature, registered after this one. */
export type FollowLookup = (followerId: number, userId: number) => Promise<boolean>;

/** Accounts and profiles: who exists, what they are called, and how they look in the API. */
export class UsersService {
  private follows: FollowLookup = () => Promise.resolve(false);

  constructor(
    private readonly users: UsersRepository,
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
  ) {}

  // -- Views: the JSON shapes of the API and the pages ------------------------------------------

  imagePath(imageFile: string | null): string {
    return imageFile === null ? DEFAULT_AVATAR : this.storage.publicUrl(`${PICTURE_FOLDER}/${imageFile}`);
  }

  publicView(user: AuthorRow): UserPublic {
    return {
      id: user.id,
      username: user.username,
      image_file: user.imageFile,
      image_path: this.imagePath(user.imageFile),
      bio: user.bio,
    };
  }

  privateView(user: User): UserPrivate {
    return { ...this.publicView(user), email: user.email, role: user.role };
  }

  /** The follows feature says who follows whom, for the profile's `followed`. */
  useFollowLookup(lookup: FollowLookup): void {
    this.follows = lookup;
  }

  // -- Reads ------------------------------------------------------------------------------------

  async get(id: number): Promise<UserPublic> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User not found');
    return this.publicView(user);
  }

  /** A profile with its kept counts, and whether the viewer (if any) follows them. */
  async profile(id: number, viewer?: User | null): Promise<UserProfile> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User not found');
    const followed = !!viewer && viewer.id !== id && (await this.follows(viewer.id, id));
    return {
      ...this.publicView(user),
      role: user.role,
      followers: user.followers,
      following: user.following,
      posts: user.postCount,
      followed,
    };
  }

  /** Accounts whose name or email contains `q`, by id: for admins. */
  search(q: string | undefined, page: { skip: number; limit: number }): Promise<User[]> {
    return this.users.search(q, page.skip, page.limit);
  }

  /**
   * Up to `limit` of the most followed authors (followed by someone, with a published post, not
   * suspended), leaving out those named (the reader, say).
   */
  async mostFollowed(limit: number, except: number[]): Promise<UserPublic[]> {
    return (await this.users.mostFollowed(limit, except)).map((user) => this.publicView(user));
  }

  /** Those of `ids` one may suggest to follow (with a published post, not suspended), in the order given. */
  async suggestable(ids: number[]): Promise<UserPublic[]> {
    const byId = new Map((await this.users.suggestable(ids)).map((user) => [user.id, user]));
    return ids.flatMap((id) => {
      const user = byId.get(id);
      return user ? [this.publicView(user)] : [];
    });
  }

  /** Changes a role or a suspension (suspending revokes every token); undefined without the user. */
  setStanding(
    id: number,
    changes: { role?: Role; suspended?: boolean },
    db?: Database,
  ): Promise<User | undefined> {
    return this.users.setStanding(id, changes, db);
  }

  async list(page: { skip: number; limit: number }): Promise<UserPublic[]> {
    const rows = await this.users.list(page.skip, page.limit);
    return rows.map((user) => this.publicView(user));
  }

  /** The account behind a token: the whole row, for the authentication hook. */
  findById(id: number): Promise<User | undefined> {
    return this.users.findById(id);
  }

  findByEmail(email: string): Promise<User | undefined> {
    return this.users.findByEmail(email);
  }

  /** The user of this name (any case), for addresses that name people rather than number them. */
  findByUsername(username: string): Promise<User | undefined> {
    return this.users.findByUsername(username);
  }

  /** How many posts the user has written, or undefined when there is no such user. */
  postCount(id: number): Promise<number | undefined> {
    return this.users.postCount(id);
  }

  authorIds(limit: number): Promise<number[]> {
    return this.users.authorIds(limit);
  }

  // -- Writes -----------------------------------------------------------------------------------

  /**
   * A new account. Call `assertAvailable` first for the usual answer; the unique indexes still turn a
   * lost race into the same ConflictError.
   */
  create(user: NewUser): Promise<User> {
    return this.writeProfile(() => this.users.insert({ ...user, email: user.email.toLowerCase() }));
  }

  /**
   * Throws ConflictError when the username or the email belongs to another account; the username is
   * checked first, as the original did.
   */
  async assertAvailable(wanted: { username?: string; email?: string }, exceptId?: number): Promise<void> {
    if (wanted.username !== undefined && (await this.users.isTaken('username', wanted.username, exceptId))) {
      throw new ConflictError(USERNAME_TAKEN);
    }
    if (wanted.email !== undefined && (await this.users.isTaken('email', wanted.email, exceptId))) {
      throw new ConflictError(EMAIL_TAKEN);
    }
  }

  async update(actor: User, id: number, changes: UserUpdate): Promise<UserPrivate> {
    const target = await this.users.findById(id);
    if (!target) throw new NotFoundError('User not found.');
    if (target.id !== actor.id) throw new ForbiddenError('Not authorized to update this user.');

    const username = changes.username ?? undefined;
    const email = changes.email?.toLowerCase() ?? undefined;
    // An empty bio (or null) clears it; absent leaves it.
    const bio = changes.bio === undefined ? undefined : changes.bio?.trim() || null;
    if (username === undefined && email === undefined && bio === undefined) return this.privateView(target);
    await this.assertAvailable({ username, email }, target.id);
    const updated = await this.writeProfile(() => this.users.update(target.id, { username, email, bio }));
    if (!updated) throw new NotFoundError('User not found.');
    return this.privateView(updated);
  }

  /** Deletes the user with their posts, likes and reset tokens (cascades), then their stored picture. */
  async delete(actor: User, id: number): Promise<void> {
    const target = await this.users.findById(id);
    if (!target) throw new NotFoundError('User not found.');
    if (target.id !== actor.id) throw new ForbiddenError('Not authorized to delete this user.');
    const deleted = await this.users.delete(target.id);
    if (deleted?.imageFile) await this.deletePicture(deleted.imageFile);
  }

  /** Sets a new password hash and revokes every token of the user; `db` joins a caller's transaction. */
  setPassword(id: number, passwordHash: string, db?: Database): Promise<User | undefined> {
    return this.users.setPassword(id, passwordHash, db);
  }

  /** Points the user at a stored picture (or none); returns the user and the picture it replaced. */
  setImageFile(id: number, imageFile: string | null) {
    return this.users.setImageFile(id, imageFile);
  }

  /** Removes a stored picture that nothing points at any more; a failure leaves an orphan, logged. */
  async deletePicture(imageFile: string): Promise<void> {
    try {
      await this.storage.delete(`${PICTURE_FOLDER}/${imageFile}`);
    } catch (error) {
      this.log.error({ err: error, imageFile }, 'could not delete a stored picture; it is left orphaned');
    }
  }

  /** Runs an insert or update of a profile, turning a lost race on a unique index into the usual 400. */
  private async writeProfile<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const message = UNIQUE_INDEX_MESSAGES[violatedUniqueConstraint(error) ?? ''];
      if (message) throw new ConflictError(message);
      throw error;
    }
  }
}
