import { isForeignKeyViolation } from '../platform/database/driver-errors.js';
import { InvalidError, NotFoundError } from '../platform/errors.js';
import { pageWindow, type PageRequest } from '../platform/paging.js';
import type { PostsService } from '../posts/posts.service.js';
import type { PostPage } from '../posts/posts.schemas.js';
import type { UserPublic } from '../users/users.schemas.js';
import type { UsersService } from '../users/users.service.js';
import type { User } from '../users/users.table.js';
import type { FollowsRepository } from './follows.repository.js';
import type { FollowState } from './follows.schemas.js';

export const USER_NOT_FOUND = 'User not found';
export const CANNOT_FOLLOW_YOURSELF = 'You cannot follow yourself';
const SUGGESTIONS = 5;
/** How many recent authors the suggestions consider, before leaving out the reader and whom they follow. */
const RECENT_CANDIDATES = SUGGESTIONS * 6;

/** Following people, and the personal feed of the posts of those one follows. */
export class FollowsService {
  constructor(
    private readonly follows: FollowsRepository,
    private readonly users: UsersService,
    private readonly posts: PostsService,
  ) {
    users.useFollowLookup((followerId, userId) => follows.isFollowing(followerId, userId));
  }

  /** Idempotent: following twice is following once. */
  async follow(actor: User, userId: number): Promise<FollowState> {
    await this.assertFollowable(actor, userId);
    try {
      await this.follows.follow(actor.id, userId);
    } catch (error) {
      // Deleted between the check and the insert.
      if (isForeignKeyViolation(error)) throw new NotFoundError(USER_NOT_FOUND);
      throw error;
    }
    return this.state(userId, true);
  }

  async unfollow(actor: User, userId: number): Promise<FollowState> {
    await this.assertFollowable(actor, userId);
    await this.follows.unfollow(actor.id, userId);
    return this.state(userId, false);
  }

  /** The published posts of the people the reader follows, newest first. */
  async feed(reader: User, request: PageRequest): Promise<PostPage> {
    const [rows, total] = await Promise.all([
      this.follows.feed(reader.id, pageWindow(request)),
      this.follows.feedTotal(reader.id),
    ]);
    return this.posts.pageView(rows, total, request);
  }

  /** Which of these users the reader follows (one query for a whole list of authors). */
  followedAmong(reader: User, userIds: number[]): Promise<Set<number>> {
    return this.follows.followedAmong(reader.id, [...new Set(userIds)]);
  }

  /**
   * People to follow, up to five: the most followed authors (followed by someone), then, to fill up,
   * the authors of the most recently published posts, newest first. Never the reader, anyone they
   * follow, a suspended account or someone who published nothing.
   */
  async suggestions(reader: User): Promise<UserPublic[]> {
    const popular = await this.users.mostFollowed(SUGGESTIONS * 4, [reader.id]);
    const popularFollowed = await this.followedAmong(
      reader,
      popular.map((user) => user.id),
    );
    const picked = popular.filter((user) => !popularFollowed.has(user.id)).slice(0, SUGGESTIONS);
    if (picked.length === SUGGESTIONS) return picked;

    // A young site, where few follow anyone: the people who wrote lately.
    const seen = new Set([reader.id, ...popular.map((user) => user.id)]);
    const recent = (await this.posts.recentAuthors(RECENT_CANDIDATES)).filter((id) => !seen.has(id));
    const recentFollowed = await this.followedAmong(reader, recent);
    const recentUsers = await this.users.suggestable(recent.filter((id) => !recentFollowed.has(id)));
    return [...picked, ...recentUsers].slice(0, SUGGESTIONS);
  }

  private async assertFollowable(actor: User, userId: number): Promise<void> {
    if (userId === actor.id) throw new InvalidError(CANNOT_FOLLOW_YOURSELF);
    if (!(await this.users.findById(userId))) throw new NotFoundError(USER_NOT_FOUND);
  }

  private async state(userId: number, following: boolean): Promise<FollowState> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError(USER_NOT_FOUND);
    return { following, followers: user.followers };
  }
}
