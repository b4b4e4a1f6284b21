import type { FastifyInstance } from 'fastify';
import type { Comment as OurComment } from '../comments/comments.schemas.js';
import { NotFoundError } from '../platform/errors.js';
import type { Post, PostDetail } from '../posts/posts.schemas.js';
import type { UserPublic } from '../users/users.schemas.js';
import type { User } from '../users/users.table.js';
import type { Article, ArticleListed, Comment, Profile } from './realworld.schemas.js';

export const ARTICLE_NOT_FOUND = 'Article not found';

/** `<slug>-<id>`: unique, and the id names the post (the words before it are for people). */
export const articleSlug = (post: { id: number; slug: string }) => `${post.slug}-${post.id}`;

/** The post id a slug names, or NotFoundError for a slug that names none. */
export function postIdOf(slug: string): number {
  const match = /(?:^|-)([1-9]\d{0,9})$/.exec(slug);
  const id = match ? Number(match[1]) : 0;
  if (id < 1 || id > 2_147_483_647) throw new NotFoundError(ARTICLE_NOT_FOUND);
  return id;
}

/**
 * The RealWorld shapes of the blog's own: what the services answer, renamed. No reads here but the
 * two a list needs for its viewer (their likes, their follows), one query each for a whole page.
 */
export function realWorldViews(app: FastifyInstance) {
  const { postsService, followsService } = app;
  const base = `${app.config.frontendUrl}/`;
  const absolute = (path: string) => new URL(path, base).href;

  const profile = (user: UserPublic, following: boolean): Profile => ({
    username: user.username,
    bio: user.bio,
    image: absolute(user.image_path),
    following,
  });

  const listed = (post: Post, favorited: boolean, following: boolean): ArticleListed => ({
    slug: articleSlug(post),
    title: post.title ?? '',
    description: post.description ?? '',
    tagList: [...post.tags].sort(),
    createdAt: post.date_posted,
    updatedAt: post.updated_at,
    favorited,
    favoritesCount: post.likes,
    author: profile(post.author, following),
  });

  /** What the viewer likes among these posts and whom they follow among their authors. */
  async function viewerState(posts: Post[], viewer: User | null) {
    if (!viewer || posts.length === 0) return { liked: new Set<number>(), followed: new Set<number>() };
    const [liked, followed] = await Promise.all([
      postsService.likedAmong(
        viewer,
        posts.map((post) => post.id),
      ),
      followsService.followedAmong(
        viewer,
        posts.map((post) => post.user_id),
      ),
    ]);
    return { liked, followed };
  }

  return {
    profile,
    absolute,

    async articles(posts: Post[], total: number, viewer: User | null) {
      const { liked, followed } = await viewerState(posts, viewer);
      return {
        articles: posts.map((post) => listed(post, liked.has(post.id), followed.has(post.user_id))),
        articlesCount: total,
      };
    },

    async article(post: Post | PostDetail, viewer: User | null): Promise<{ article: Article }> {
      const { liked, followed } = await viewerState([post], viewer);
      return {
        article: {
          ...listed(post, liked.has(post.id), followed.has(post.user_id)),
          body: post.content,
        },
      };
    },

    async comments(comments: OurComment[], viewer: User | null): Promise<Comment[]> {
      const followed = viewer
        ? await followsService.followedAmong(
            viewer,
            comments.map((comment) => comment.author.id),
          )
        : new Set<number>();
      return comments.map((comment) => this.comment(comment, followed.has(comment.author.id)));
    },

    comment(comment: OurComment, following: boolean): Comment {
      return {
        id: comment.id,
        createdAt: comment.created_at,
        updatedAt: comment.updated_at,
        body: comment.content,
        author: profile(comment.author, following),
      };
    },
  };
}

export type RealWorldViews = ReturnType<typeof realWorldViews>;
