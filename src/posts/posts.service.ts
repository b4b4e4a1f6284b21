import type { FastifyBaseLogger } from 'fastify';
import type { Counters } from '../platform/database/counters.js';
import { ForbiddenError, InvalidFieldError, NotFoundError } from '../platform/errors.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import { named, pageOf, pageWindow, type PageRequest } from '../platform/paging.js';
import type { ModerationService } from '../moderation/moderation.service.js';
import { hasRole } from '../users/roles.js';
import type { SearchService } from '../search/search.service.js';
import type { TagsService } from '../tags/tags.service.js';
import type { User } from '../users/users.table.js';
import type { UsersService } from '../users/users.service.js';
import { RENDERER_VERSION, excerptOf, readingMinutes, slugOf, type MarkdownRenderer } from './markdown.js';
import type { PostFields, PostWithAuthor, PostsRepository, Rendering } from './posts.repository.js';
import type {
  FeedQuery,
  LikeState,
  OwnPostsQuery,
  Post,
  PostCreate,
  PostDetail,
  PostPage,
  PostPreview,
  PostUpdate,
} from './posts.schemas.js';
import type { PostRow, PostStatus } from './posts.table.js';
import { countsOf, type PostCountValues } from './post-counts.js';

export const POST_NOT_FOUND = 'Post not found';

/** Publishes every scheduled post that is due; queued for each scheduled time (it needs no post id). */
export const PUBLISH_DUE_JOB = 'publish-due-posts';
/** Renders again the posts an older renderer made. */
export const RENDER_STALE_JOB = 'render-stale-posts';
const RENDER_BATCH = 200;
/** How many of the newest published posts `recentAuthors` reads for their authors. */
const RECENT_AUTHORS_WINDOW = 1_000;

/**
 * Posts and likes: the feed, one author's posts, writing, publishing, and the rules of who may see and
 * change what. A post is rendered when it is written; readers only ever get the stored HTML.
 */
export class PostsService {
  constructor(
    private readonly posts: PostsRepository,
    private readonly users: UsersService,
    private readonly counters: Counters,
    private readonly jobs: JobQueue,
    private readonly renderer: MarkdownRenderer,
    private readonly log: FastifyBaseLogger,
    private readonly moderation: ModerationService,
    /** A post's tags and the tag feeds (src/tags). */
    private readonly tags: TagsService,
    /** Each post's words, and `?q=` (src/search). */
    private readonly search: SearchService,
  ) {
    jobs.handle(PUBLISH_DUE_JOB, async () => void (await this.publishDue()));
    jobs.handle(RENDER_STALE_JOB, async () => void (await this.renderStale()));
  }

  view({ post, author }: PostWithAuthor, tags: string[] = []): Post {
    return {
      id: post.id,
      title: post.title,
      content: post.content,
      user_id: post.userId,
      date_posted: post.datePosted.toISOString(),
      updated_at: post.updatedAt.toISOString(),
      likes: post.likes,
      ...countsOf(post),
      author: this.users.publicView(author),
      slug: post.slug,
      description: post.description,
      excerpt: post.excerpt,
      status: post.status,
      publish_at: post.publishAt?.toISOString() ?? null,
      reading_minutes: post.readingMinutes,
      tags,
    };
  }

  async detailView(row: PostWithAuthor<PostRow>): Promise<PostDetail> {
    const tags = (await this.tags.ofPosts([row.post.id])).get(row.post.id);
    return { ...this.view(row, tags), content_html: row.post.contentHtml };
  }

  /** The published feed, newest first; with `tag`, that tag's posts; with `q`, a search. */
  async page(request: PageRequest & Pick<FeedQuery, 'tag' | 'q'>): Promise<PostPage> {
    if (request.q !== undefined) {
      if (request.tag !== undefined) {
        throw new InvalidFieldError('q', 'Search all posts, or list one tag: not both at once', 'query');
      }
      return this.searchPage(request.q, request);
    }
    if (request.tag !== undefined) return this.pageByTag(this.tags.nameOf(request.tag), request);
    const [rows, total] = await Promise.all([
      this.posts.feed(pageWindow(request)),
      this.counters.value('posts'),
    ]);
    return this.pageView(rows, total, request);
  }

  /**
   * One tag's published posts, newest first: their positions from the tag's own index (src/tags),
   * then those posts by id.
   */
  async pageByTag(name: string, request: PageRequest): Promise<PostPage> {
    const { positions, total } = await this.tags.feed(name, pageWindow(request));
    const ids = positions.map((position) => position.id);
    const [rows, tags] = await Promise.all([this.posts.publishedByIds(ids), this.tags.ofPosts(ids)]);
    return this.pageView(rows, total, request, tags);
  }

  /**
   * The published posts that match `q`, the most relevant first (then the newest), each with its
   * snippet. Ranked results page by `skip` only: `next_cursor` stays null.
   */
  async searchPage(q: string, request: PageRequest): Promise<PostPage> {
    const hits = await this.search.find(q, request.skip, request.limit);
    const [rows, tags] = await Promise.all([
      this.posts.publishedByIds(hits.postIds),
      this.tags.ofPosts(hits.postIds),
    ]);
    return {
      posts: rows.map((row) => ({
        ...this.view(row, tags.get(row.post.id)),
        snippet: hits.snippets.get(row.post.id) ?? [],
      })),
      total: hits.total,
      skip: request.skip,
      limit: request.limit,
      has_more: request.skip + hits.postIds.length < hits.total,
      next_cursor: null,
    };
  }

  /** A user's published posts, newest first; NotFoundError when there is no such user. */
  async pageByUser(userId: number, request: PageRequest): Promise<PostPage> {
    const total = await this.users.postCount(userId);
    if (total === undefined) throw new NotFoundError('User not found');
    const rows = await this.posts.byAuthor(pageWindow(request), userId, 'published');
    return this.pageView(rows, total, request);
  }

  /** The published posts a user likes, newest first. */
  async pageLikedBy(userId: number, request: PageRequest): Promise<PostPage> {
    const [rows, total] = await Promise.all([
      this.posts.likedPosts(userId, pageWindow(request)),
      this.posts.likedPostsCount(userId),
    ]);
    return this.pageView(rows, total, request);
  }

  /** Which of these posts the user likes: one query for a whole page. */
  likedAmong(actor: User, postIds: number[]): Promise<Set<number>> {
    return this.posts.likedAmong(actor.id, postIds);
  }

  /** The signed-in author's own posts of one status, newest first. */
  async ownPosts(actor: User, query: OwnPostsQuery): Promise<PostPage> {
    const [rows, total] = await Promise.all([
      this.posts.byAuthor(pageWindow(query), actor.id, query.status),
      this.posts.countByAuthor(actor.id, query.status),
    ]);
    return this.pageView(rows, total, query);
  }

  /** A post with its HTML: a published one for anyone, a draft or scheduled one for its author alone. */
  async get(id: number, viewer?: User | null): Promise<PostDetail> {
    const row = await this.posts.findById(id);
    if (!row || (row.post.status !== 'published' && row.post.userId !== viewer?.id)) {
      throw new NotFoundError(POST_NOT_FOUND);
    }
    return this.detailView(row);
  }

  /** What other features need of a post readers may see; NotFoundError for a draft or no post. */
  async published(id: number): Promise<{ authorId: number; counts: PostCountValues }> {
    const post = await this.posts.publishedSummary(id);
    if (!post) throw new NotFoundError(POST_NOT_FOUND);
    return { authorId: post.userId, counts: countsOf(post) };
  }

  /** The post's author whatever its status, for rules such as "the author may delete comments". */
  async authorOf(id: number): Promise<number | undefined> {
    return (await this.posts.findForWrite(id))?.userId;
  }

  /** What the post would look like: the same rules as a saved post, nothing stored. */
  preview(content: string): PostPreview {
    const rendering = this.render(content, null);
    return {
      content_html: rendering.contentHtml,
      excerpt: rendering.excerpt,
      reading_minutes: rendering.readingMinutes,
    };
  }

  async create(author: User, fields: PostCreate): Promise<Post> {
    const tags = this.tags.normalise(fields.tags ?? []);
    const publication = (await this.publication(fields)) ?? { status: 'published', publishAt: null };
    const { text, ...written } = this.written(
      fields.title ?? null,
      fields.content,
      fields.description ?? null,
    );
    const post = await this.posts.insert(author.id, { ...written, ...publication });
    if (tags.length > 0) await this.tags.setTags(post.id, tags);
    await this.search.index(post.id, { ...post, tags, text });
    return this.view({ post, author }, tags);
  }

  /** PUT: the post becomes what was sent (a missing title or description clears it); the status stays unless sent. */
  replace(actor: User, id: number, fields: PostCreate): Promise<Post> {
    return this.update(actor, id, {
      ...fields,
      title: fields.title ?? null,
      description: fields.description ?? null,
      tags: fields.tags ?? [],
    });
  }

  /** PATCH: only the fields sent change; `title: null` clears the title. */
  async update(actor: User, id: number, changes: PostUpdate): Promise<Post> {
    const existing = await this.posts.findForWrite(id);
    if (!existing) throw new NotFoundError(POST_NOT_FOUND);
    if (existing.userId !== actor.id) throw new ForbiddenError('Not authorized to update this post');
    const newTags = changes.tags === undefined ? undefined : this.tags.normalise(changes.tags);
    const oldTags = (await this.tags.ofPosts([id])).get(id) ?? [];
    const { text, ...written } = this.written(
      changes.title === undefined ? existing.title : changes.title,
      changes.content ?? existing.content,
      changes.description === undefined ? existing.description : changes.description,
    );
    const post = await this.posts.updateOwn(
      actor.id,
      id,
      { ...written, ...(await this.publication(changes, existing.status)) },
      { tagsChanged: newTags !== undefined && newTags.join(' ') !== oldTags.join(' ') },
    );
    if (!post) throw new NotFoundError(POST_NOT_FOUND);
    if (newTags) await this.tags.setTags(post.id, newTags);
    const tags = newTags ?? oldTags;
    await this.search.index(post.id, { ...post, tags, text });
    return this.view({ post, author: actor }, tags);
  }

  /** The author deletes their post; a moderator may delete anyone's, and the removal is logged. */
  async delete(actor: User, id: number): Promise<void> {
    if (await this.posts.deleteOwn(actor.id, id)) return;
    const found = await this.posts.findById(id);
    if (!found) throw new NotFoundError(POST_NOT_FOUND);
    if (!hasRole(actor, 'moderator')) throw new ForbiddenError('Not authorized to delete this post');
    const { post, author } = found;
    const subject = `post ${post.id}${post.title ? ` "${post.title}"` : ''}`;
    const deleted = await this.moderation.recorded(actor, 'delete_post', author, subject, (db) =>
      this.posts.deleteById(id, db),
    );
    if (!deleted) throw new NotFoundError(POST_NOT_FOUND);
  }

  /** Likes are idempotent: one per user and post; the count is kept by the database. */
  async like(actor: User, postId: number): Promise<LikeState> {
    await this.posts.like(actor.id, postId);
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

  /**
   * The ids of the authors of the most recently published posts, each once, newest first by their
   * newest post: up to `limit` of them, from the newest RECENT_AUTHORS_WINDOW posts (a bounded read of
   * the feed index, whatever the size of the table).
   */
  recentAuthors(limit: number): Promise<number[]> {
    return this.posts.recentAuthors(RECENT_AUTHORS_WINDOW, limit);
  }

  /** The newest published posts' addresses and dates, and the ids of users who wrote any, for the sitemap. */
  async sitemap(limit: number): Promise<{
    posts: { id: number; slug: string; datePosted: Date; updatedAt: Date }[];
    authors: number[];
  }> {
    const [newest, authors] = await Promise.all([this.posts.newest(limit), this.users.authorIds(limit)]);
    return { posts: newest, authors };
  }

  /** The job of PUBLISH_DUE_JOB: every scheduled post whose time has come becomes published, dated now. */
  async publishDue(): Promise<number> {
    const published = await this.posts.publishDue();
    if (published.length > 0) this.log.info({ posts: published }, 'scheduled posts published');
    return published.length;
  }

  /**
   * The job of RENDER_STALE_JOB: renders again, in batches, what an older renderer made. Search keeps
   * the rendered text, so each post saved is indexed again with it (a post written meanwhile was
   * rendered and indexed by its write, and is left alone).
   */
  async renderStale(): Promise<number> {
    let count = 0;
    for (;;) {
      const stale = await this.posts.staleRenders(RENDERER_VERSION, RENDER_BATCH);
      const tagsOf = await this.tags.ofPosts(stale.map((post) => post.id));
      for (const post of stale) {
        const { text, ...rendering } = this.render(post.content, post.description);
        const saved = await this.posts.saveRendering(post.id, post.content, rendering);
        if (saved) await this.search.index(post.id, { ...saved, tags: tagsOf.get(post.id) ?? [], text });
      }
      count += stale.length;
      if (stale.length < RENDER_BATCH) return count;
    }
  }

  /** At start: queue what the database says is left to do (a renderer upgrade, posts due while down). */
  async queueLeftoverWork(): Promise<void> {
    if (await this.posts.hasStaleRenders(RENDERER_VERSION)) await this.jobs.enqueue(RENDER_STALE_JOB, {});
    if (await this.posts.hasDuePosts()) await this.jobs.enqueue(PUBLISH_DUE_JOB, {});
  }

  private render(content: string, description: string | null): Rendering & { text: string } {
    const { html, text } = this.renderer.render(content);
    return {
      contentHtml: html,
      excerpt: description?.trim() || excerptOf(text),
      readingMinutes: readingMinutes(text),
      renderVersion: RENDERER_VERSION,
      text,
    };
  }

  /**
   * A post's fields as the author wrote them, and what is made from them when it is written; `text`,
   * the rendered text, is for search and is not stored with the post.
   */
  private written(title: string | null, content: string, description: string | null) {
    const rendering = this.render(content, description);
    return { title, content, description, ...rendering, slug: slugOf(title, rendering.text) };
  }

  /**
   * The status a write asks for, if it asks: `publish_at` schedules (a time to come only; the job is
   * queued before the post is saved, so no scheduled post is ever left without one), `status`
   * publishes or keeps a draft, `publish_at: null` alone takes a scheduled post back to draft.
   */
  private async publication(
    fields: Pick<PostUpdate, 'status' | 'publish_at'>,
    current?: PostStatus,
  ): Promise<Pick<PostFields, 'status' | 'publishAt'> | undefined> {
    if (fields.publish_at) {
      if (fields.status) {
        throw new InvalidFieldError('status', 'Leave status out to schedule a post with publish_at');
      }
      const publishAt = new Date(fields.publish_at);
      if (!(publishAt.getTime() > Date.now())) {
        throw new InvalidFieldError('publish_at', 'Must be a time in the future');
      }
      await this.jobs.enqueue(PUBLISH_DUE_JOB, {}, { runAt: publishAt });
      return { status: 'scheduled', publishAt };
    }
    if (fields.status) return { status: fields.status, publishAt: null };
    if (fields.publish_at === null && current === 'scheduled') return { status: 'draft', publishAt: null };
    return undefined;
  }

  private async likeCount(postId: number): Promise<number> {
    const likes = await this.posts.likeCount(postId);
    if (likes === undefined) throw new NotFoundError(POST_NOT_FOUND);
    return likes;
  }

  /** A page of posts as every list answers it, with their tags; the personal feed (src/follows) uses it too. */
  async pageView(
    rows: PostWithAuthor[],
    total: number,
    request: PageRequest,
    /** The posts' tags, when they were read beside the rows. */
    tagsRead?: Map<number, string[]>,
  ): Promise<PostPage> {
    const tags = tagsRead ?? (await this.tags.ofPosts(rows.map(({ post }) => post.id)));
    return named(
      'posts',
      pageOf(
        rows,
        total,
        request,
        ({ post }) => ({ at: post.datePosted, id: post.id }),
        (row) => this.view(row, tags.get(row.post.id)),
      ),
    );
  }
}
