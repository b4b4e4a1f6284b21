import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { COMMENT_NOT_FOUND } from '../comments/comments.service.js';
import type { Comment as OurComment } from '../comments/comments.schemas.js';
import { InvalidFieldError, NotFoundError } from '../platform/errors.js';
import type { PostPage } from '../posts/posts.schemas.js';
import type { User } from '../users/users.table.js';
import {
  ArticleResponse,
  ArticlesQuery,
  ArticlesResponse,
  CommentParams,
  CommentResponse,
  CommentsResponse,
  FeedQuery,
  NewArticleRequest,
  NewCommentRequest,
  SlugParams,
  TagsResponse,
  UpdateArticleRequest,
} from './realworld.schemas.js';
import { postIdOf, type RealWorldViews } from './realworld.views.js';

/** How many comments are read at a time while listing an article's. */
const COMMENTS_BATCH = 100;
/**
 * RealWorld lists an article's comments without paging: the oldest this many, so that one long thread
 * cannot make an answer (and its cached copy) of any size.
 */
export const COMMENTS_LISTED = 1000;
const TAGS_LISTED = 20;
export const ONE_FILTER = 'Filter by one of tag, author and favorited at a time';

/** `/articles`, their favorites and comments, and `/tags`: posts, likes and comments by another name. */
const articlesRoutes = (views: RealWorldViews): FastifyPluginAsyncTypebox =>
  async function realWorldArticles(app) {
    const { postsService, followsService, commentsService, usersService, tagsService } = app;
    // What a signed-out reader is answered is the same for all of them: kept under the content version
    // (platform/http/page-cache.ts), as `/api`'s own public reads; a signed-in reader is answered alone.
    const publicRead = { access: 'optional-auth' as const, pageCache: 'rendered' as const };
    const empty: PostPage = { posts: [], total: 0, skip: 0, limit: 0, has_more: false, next_cursor: null };

    const articleOf = async (postId: number, viewer: User | null) =>
      views.article(await postsService.get(postId, viewer), viewer);

    app.get(
      '/articles',
      {
        config: publicRead,
        schema: {
          hide: true,
          tags: ['Articles'],
          summary: 'Published articles, newest first; by tag, author or who favorited them',
          querystring: ArticlesQuery,
          response: { 200: ArticlesResponse },
        },
      },
      async (request) => {
        const { tag, author, favorited, offset, limit } = request.query;
        const filters = [tag, author, favorited].filter((filter) => filter !== undefined);
        if (filters.length > 1) throw new InvalidFieldError('query', ONE_FILTER, 'query');
        const page = { skip: offset, limit };
        let found: PostPage;
        if (author !== undefined || favorited !== undefined) {
          // A name no one has has no articles: an empty list, as RealWorld answers it.
          const user = await usersService.findByUsername(author ?? favorited ?? '');
          if (!user) found = empty;
          else if (author !== undefined) found = await postsService.pageByUser(user.id, page);
          else found = await postsService.pageLikedBy(user.id, page);
        } else {
          found = await postsService.page({ ...page, ...(tag !== undefined && { tag }) });
        }
        return views.articles(found.posts, found.total, request.viewer);
      },
    );

    app.get(
      '/articles/feed',
      {
        config: { access: 'signed-in' },
        schema: {
          hide: true,
          tags: ['Articles'],
          summary: 'Articles of the people the caller follows, newest first',
          querystring: FeedQuery,
          response: { 200: ArticlesResponse },
        },
      },
      async (request) => {
        const { offset, limit } = request.query;
        const found = await followsService.feed(request.user, { skip: offset, limit });
        return views.articles(found.posts, found.total, request.user);
      },
    );

    app.get(
      '/articles/:slug',
      {
        config: publicRead,
        schema: {
          hide: true,
          tags: ['Articles'],
          summary: 'One article',
          description: "A draft or scheduled post is found only with its author's token.",
          params: SlugParams,
          response: { 200: ArticleResponse },
        },
      },
      async (request) => articleOf(postIdOf(request.params.slug), request.viewer),
    );

    app.post(
      '/articles',
      {
        config: { access: 'signed-in' },
        schema: {
          hide: true,
          tags: ['Articles'],
          summary: 'Write an article (a published post)',
          body: NewArticleRequest,
          response: { 201: ArticleResponse },
        },
      },
      async (request, reply) => {
        const { title, description, body, tagList } = request.body.article;
        const post = await postsService.create(request.user, {
          title,
          content: body,
          description: description || null,
          tags: tagList ?? [],
        });
        return reply.code(201).send(await views.article(post, request.user));
      },
    );

    app.put(
      '/articles/:slug',
      {
        config: { access: 'owner' },
        schema: {
          hide: true,
          tags: ['Articles'],
          summary: 'Change an article',
          description: 'Only the fields sent change. Its author only.',
          params: SlugParams,
          body: UpdateArticleRequest,
          response: { 200: ArticleResponse },
        },
      },
      async (request) => {
        const { title, description, body, tagList } = request.body.article;
        const post = await postsService.update(request.user, postIdOf(request.params.slug), {
          ...(title !== undefined && { title }),
          ...(description !== undefined && { description: description || null }),
          ...(body !== undefined && { content: body }),
          ...(tagList !== undefined && { tags: tagList }),
        });
        return views.article(post, request.user);
      },
    );

    app.delete(
      '/articles/:slug',
      {
        config: { access: 'owner' },
        schema: {
          hide: true,
          tags: ['Articles'],
          summary: 'Delete an article',
          description: 'Its author, or a moderator.',
          params: SlugParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await postsService.delete(request.user, postIdOf(request.params.slug));
        return reply.code(204).send(null);
      },
    );

    const favoriteRoute = (summary: string) => ({
      config: { access: 'signed-in' as const },
      schema: {
        hide: true,
        tags: ['Favorites'],
        summary,
        params: SlugParams,
        response: { 200: ArticleResponse },
      },
    });

    app.post('/articles/:slug/favorite', favoriteRoute('Favorite (like) an article'), async (request) => {
      const postId = postIdOf(request.params.slug);
      await postsService.like(request.user, postId);
      return articleOf(postId, request.user);
    });

    app.delete('/articles/:slug/favorite', favoriteRoute('Take a favorite back'), async (request) => {
      const postId = postIdOf(request.params.slug);
      await postsService.unlike(request.user, postId);
      return articleOf(postId, request.user);
    });

    app.get(
      '/articles/:slug/comments',
      {
        config: publicRead,
        schema: {
          hide: true,
          tags: ['Comments'],
          summary: "An article's comments, oldest first (the first 1,000)",
          params: SlugParams,
          response: { 200: CommentsResponse },
        },
      },
      async (request) => {
        const postId = postIdOf(request.params.slug);
        const comments: OurComment[] = [];
        let cursor: string | undefined;
        do {
          const page = await commentsService.page(postId, {
            skip: 0,
            limit: COMMENTS_BATCH,
            ...(cursor !== undefined && { cursor }),
          });
          comments.push(...page.comments);
          cursor = page.next_cursor ?? undefined;
        } while (cursor !== undefined && comments.length < COMMENTS_LISTED);
        return { comments: await views.comments(comments, request.viewer) };
      },
    );

    app.post(
      '/articles/:slug/comments',
      {
        config: { access: 'signed-in' },
        schema: {
          hide: true,
          tags: ['Comments'],
          summary: 'Comment on an article',
          params: SlugParams,
          body: NewCommentRequest,
          response: { 200: CommentResponse },
        },
      },
      async (request) => {
        const comment = await commentsService.create(
          request.user,
          postIdOf(request.params.slug),
          request.body.comment.body,
        );
        return { comment: views.comment(comment, false) };
      },
    );

    app.delete(
      '/articles/:slug/comments/:id',
      {
        config: { access: 'owner' },
        schema: {
          hide: true,
          tags: ['Comments'],
          summary: 'Delete a comment',
          description: "Its author, the article's author, or a moderator.",
          params: CommentParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const { slug, id } = request.params;
        if ((await commentsService.postOf(id)) !== postIdOf(slug)) throw new NotFoundError(COMMENT_NOT_FOUND);
        await commentsService.delete(request.user, id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/tags',
      {
        config: { pageCache: 'rendered' },
        schema: {
          hide: true,
          tags: ['Tags'],
          summary: 'The most used tags of published articles',
          response: { 200: TagsResponse },
        },
      },
      async () => ({ tags: (await tagsService.list({ limit: TAGS_LISTED })).tags.map((tag) => tag.name) }),
    );
  };

export default articlesRoutes;
