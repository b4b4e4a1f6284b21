import type { Counters } from '../platform/database/counters.js';
import { ForbiddenError, NotFoundError } from '../platform/errors.js';
import { named, pageOf, pageWindow, type PageRequest } from '../platform/paging.js';
import type { User } from '../users/users.table.js';
import type { UsersService } from '../users/users.service.js';
import type { PostWithAuthor, PostsRepository } from './posts.repository.js';
import type { LikeState, Post, PostCreate, PostPage, PostUpdate } from './posts.schemas.js';

export const POST_NOT_FOUND = 'Post not found';

/** Posts and likes: the feed, one author's posts, writing, and the rules of who may change what. */
export class PostsService {
  constructor(
    private readonly posts: PostsRepository,
    private readonly users: UsersService,
    private readonly counters: Counters,
  ) {}

  view({ post, author }: PostWithAuthor): Post {
    return {
      id: post.id,
      title: post.title,
      content: post.content,
      user_id: post.userId,
      date_posted: post.datePosted.toISOString(),
      likes: post.likes,
      comments: post.comments,
      author: this.users.publicView(author),
    };
  }

  /** The feed, newest first. */
  async page(request: PageRequest): Promise<PostPage> {
    const [rows, total] = await Promise.all([
      this.posts.page(pageWindow(request)),
      this.counters.value('posts'),
    ]);
    return this.pageView(rows, total, request);
  }

  /** A user's posts, newest first; NotFoundError when there is no such user. */
  async pageByUser(userId: number, request: PageRequest): Promise<PostPage> {
    const total = await this.users.postCount(userId);
    if (total === undefined) throw new NotFoundError('User not found');
    const rows = await this.posts.page(pageWindow(request), userId);
    return this.pageView(rows, total, request);
  }

  async get(id: number): Promise<Post> {
    const row = await this.posts.findById(id);
    if (!row) throw new NotFoundError(POST_NOT_FOUND);
    return this.view(row);
  }

  /** NotFoundError unless the post exists. */
  async assertExists(id: number): Promise<void> {
    if (!(await this.posts.exists(id))) throw new NotFoundError(POST_NOT_FOUND);
  }

  async create(author: User, fields: PostCreate): Promise<Post> {
    const post = await this.posts.insert(author.id, { title: fields.title ?? null, content: fields.content });
    return this.view({ post, author });
  }

  /** PUT: the post becomes exactly what was sent; a missing title clears it. */
  replace(actor: User, id: number, fields: PostCreate): Promise<Post> {
    return this.update(actor, id, { title: fields.title ?? null, content: fields.content });
  }

  /** PATCH: only the fields sent change; `title: null` clears the title. */
  async update(actor: User, id: number, changes: PostUpdate): Promise<Post> {
    const post = await this.posts.updateOwn(actor.id, id, { title: changes.title, content: changes.content });
    if (!post) return this.explainMissing(id, 'Not authorized to update this post');
    return this.view({ post, author: actor });
  }

  async delete(actor: User, id: number): Promise<void> {
    if (!(await this.posts.deleteOwn(actor.id, id))) {
      await this.explainMissing(id, 'Not authorized to delete this post');
    }
  }

  /** Likes are idempotent: one per user and post; the count is kept by the database. */
  async like(actor: User, postId: number): Promise<LikeState> {
    if (!(await this.posts.like(actor.id, postId))) throw new NotFoundError(POST_NOT_FOUND);
    return { likes: await this.likeCount(postId), liked: true };
  }

  async unlike(actor: User, postId: number): Promise<LikeState> {
    await this.posts.unlike(actor.id, postId);
    return { likes: await this.likeCount(postId), liked: false };
  }

  async likeState(actor: User, postId: number): Promise<LikeState> {
    const liked = await this.posts.likedBy(actor.id, postId);
    return { likes: await this.likeCount(postId), liked };
  }

  /** The newest posts' ids and dates, and the ids of users who wrote any, for the sitemap. */
  async sitemap(limit: number): Promise<{ posts: { id: number; datePosted: Date }[]; authors: number[] }> {
    const [newest, authors] = await Promise.all([this.posts.newest(limit), this.users.authorIds(limit)]);
    return { posts: newest, authors };
  }

  private async likeCount(postId: number): Promise<number> {
    const likes = await this.posts.likeCount(postId);
    if (likes === undefined) throw new NotFoundError(POST_NOT_FOUND);
    return likes;
  }

  /** A write that matched no row: either the post does not exist (404) or it is someone else's (403). */
  private async explainMissing(id: number, forbidden: string): Promise<never> {
    throw (await this.posts.exists(id)) ? new ForbiddenError(forbidden) : new NotFoundError(POST_NOT_FOUND);
  }

  private pageView(rows: PostWithAuthor[], total: number, request: PageRequest): PostPage {
    return named(
      'posts',
      pageOf(
        rows,
        total,
        request,
        ({ post }) => ({ at: post.datePosted, id: post.id }),
        (row) => this.view(row),
      ),
    );
  }
}
