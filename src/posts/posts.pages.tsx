import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../platform/errors.js';
import {
  AuthorLine,
  Avatar,
  ConfirmModal,
  DismissButton,
  Field,
  Modal,
  PagedList,
} from '../platform/web/components.js';
import type { PageDocument } from '../platform/web/layout.js';
import { attributeText } from '../platform/web/render.js';
import { TagChips } from '../tags/tag-chips.js';
import type { UserPublic } from '../users/users.schemas.js';
import { TITLE_MAX_LENGTH } from './limits.js';
import type { Post, PostPage } from './posts.schemas.js';

// Ids in page paths must be whole numbers; anything else is simply a page that does not exist (404).
const ID = '(^\\d{1,10}$)';

/**
 * A part of a post's page that another feature draws below the post, from the post as the API shows
 * it (comments, say). It may bring its own browser module as a `<script type="module">`.
 */
export type PostSection = (post: Post) => Promise<JSX.Element>;

/** The pages of posts: the feed, a post, a user's posts. They read through the same service as the API. */
const postsPages: FastifyPluginAsyncTypebox<{ sections: PostSection[] }> = async (app, { sections }) => {
  const { postsService, usersService, config } = app;
  const firstPage = { skip: 0, limit: config.postsPerPage };
  const cached = { pageCache: 'rendered' as const };

  for (const url of ['/', '/site/posts']) {
    app.get(url, { schema: { hide: true }, config: cached }, async (_request, reply) =>
      reply.page(feedPage(await postsService.page(firstPage))),
    );
  }

  app.get(
    `/posts/:post_id${ID}`,
    { schema: { hide: true, params: Type.Object({ post_id: Type.Integer() }) }, config: cached },
    async (request, reply) => {
      const post = await postsService.get(request.params.post_id);
      const below = await Promise.all(sections.map((section) => section(post)));
      return reply.page(postPage(post, `${config.frontendUrl}/posts/${post.id}`, below));
    },
  );

  app.get(
    `/users/:user_id${ID}/posts`,
    { schema: { hide: true, params: Type.Object({ user_id: Type.Integer() }) }, config: cached },
    async (request, reply) => {
      try {
        const user = await usersService.get(request.params.user_id);
        return reply.page(userPostsPage(user, await postsService.pageByUser(user.id, firstPage)));
      } catch (error) {
        if (error instanceof NotFoundError) return reply.callNotFound();
        throw error;
      }
    },
  );
};

export default postsPages;

/** One post in a list or on its page. `browser/post-card.ts` builds the same markup in the browser. */
export function PostCard({ post, headingLevel = 2 }: { post: Post; headingLevel?: 1 | 2 }) {
  const href = `/posts/${post.id}`;
  return (
    <article class="card post-card mb-3" data-post-id={String(post.id)}>
      <div class="card-body d-flex gap-3">
        <Avatar src={post.author.image_path} />
        <div class="flex-grow-1 min-w-0">
          <AuthorLine author={post.author} date={post.date_posted} href={href} />
          {post.title !== null && <PostTitle title={post.title} href={href} level={headingLevel} />}
          <TagChips tags={post.tags} />
          <p class="post-content mb-0" safe>
            {post.content}
          </p>
          <a class="comment-count small text-body-secondary" href={`${href}#comments`} safe>
            {commentCount(post.comments)}
          </a>
        </div>
      </div>
    </article>
  );
}

export const commentCount = (count: number) => `${count} ${count === 1 ? 'comment' : 'comments'}`;

function PostTitle({ title, href, level }: { title: string; href: string; level: 1 | 2 }) {
  const link = (
    <a class="link-body-emphasis text-decoration-none" href={href} safe>
      {title}
    </a>
  );
  return level === 1 ? <h1 class="h3 post-title">{link}</h1> : <h2 class="h5 post-title">{link}</h2>;
}

/** A list of posts that the browser continues (Load More, or scrolling on a user's page). */
export function PostList({
  page,
  source,
  emptyMessage,
}: {
  page: PostPage;
  source: string;
  emptyMessage: string;
}) {
  return (
    <PagedList
      id="postList"
      moreId="loadMore"
      emptyId="emptyState"
      label="Posts"
      source={source}
      limit={page.limit}
      nextCursor={page.next_cursor}
      emptyMessage={emptyMessage}
      empty={page.posts.length === 0}
    >
      {page.posts.map((post) => (
        <PostCard post={post} />
      ))}
    </PagedList>
  );
}

/** The home page: the first page on the server, then "Load More" in the browser. */
export function feedPage(page: PostPage): PageDocument {
  return {
    title: 'Home',
    script: 'posts/home',
    description: 'The latest posts.',
    body: (
      <>
        <h1 class="h3 mb-4">Latest posts</h1>
        <PostList page={page} source="/api/posts" emptyMessage="No posts yet. Be the first to write one!" />
      </>
    ),
  };
}

/** "Posts by <username>": the first page on the server, infinite scroll in the browser. */
export function userPostsPage(user: UserPublic, page: PostPage): PageDocument {
  return {
    title: `Posts by ${user.username}`,
    script: 'posts/user-posts',
    body: (
      <>
        <div class="d-flex align-items-center gap-3 mb-4">
          <Avatar src={user.image_path} size={64} />
          <h1 class="h3 mb-0" safe>
            {`Posts by ${user.username}`}
          </h1>
          <span class="badge text-bg-secondary" safe>
            {`${page.total} ${page.total === 1 ? 'post' : 'posts'}`}
          </span>
        </div>
        <PostList page={page} source={`/api/users/${user.id}/posts`} emptyMessage="No posts yet." />
        <div id="scrollSentinel" aria-hidden="true"></div>
      </>
    ),
  };
}

export function postPage(post: Post, url: string, sections: JSX.Element[] = []): PageDocument {
  const title = post.title ?? `Post by ${post.author.username}`;
  const description = post.content.length > 200 ? `${post.content.slice(0, 197)}...` : post.content;
  return {
    title,
    script: 'posts/post',
    description,
    meta: <SocialMeta title={title} description={description} url={url} image={post.author.image_path} />,
    body: (
      <>
        <div id="post" data-post-id={String(post.id)} data-author-id={String(post.author.id)}>
          <PostCard post={post} headingLevel={1} />
          <div class="d-flex flex-wrap gap-2 align-items-center">
            <button
              type="button"
              class="btn btn-outline-danger btn-sm"
              id="likeButton"
              aria-pressed="false"
              disabled
            >
              <span data-role="label">Like</span> (
              <span data-role="count" safe>
                {String(post.likes)}
              </span>
              )
            </button>
            <span class="when-signed-out small text-body-secondary">
              <a href="/login">Log in</a> to like this post.
            </span>
            <span class="ms-auto" id="ownerControls" hidden>
              <button
                type="button"
                class="btn btn-outline-secondary btn-sm me-2"
                data-bs-toggle="modal"
                data-bs-target="#editPostModal"
              >
                Edit
              </button>
              <button
                type="button"
                class="btn btn-outline-danger btn-sm"
                data-bs-toggle="modal"
                data-bs-target="#deletePostModal"
              >
                Delete
              </button>
            </span>
          </div>
        </div>
        {sections.map((section) => (
          <>{section}</>
        ))}
        <PostFormModal id="editPostModal" title="Edit Post" submitLabel="Save" post={post} />
        <ConfirmModal
          id="deletePostModal"
          title="Delete Post?"
          message="This cannot be undone."
          confirmId="confirmDeletePost"
        />
      </>
    ),
  };
}

/**
 * The form of a post in a dialog: New Post (in every page's layout) and Edit Post (on the post's page,
 * opened with the post as it is).
 */
export function PostFormModal({
  id,
  title,
  submitLabel,
  post,
}: {
  id: 'newPostModal' | 'editPostModal';
  title: string;
  submitLabel: string;
  post?: Post;
}) {
  const prefix = id.replace(/Modal$/, '');
  return (
    <Modal
      id={id}
      title={title}
      as="form"
      data={
        post
          ? { 'data-title': attributeText(post.title ?? ''), 'data-content': attributeText(post.content) }
          : {}
      }
      footer={
        <>
          <DismissButton />
          <button type="submit" class="btn btn-primary" safe>
            {submitLabel}
          </button>
        </>
      }
    >
      <Field
        id={`${prefix}TitleInput`}
        name="title"
        label="Title"
        labelNote="(optional)"
        maxlength={TITLE_MAX_LENGTH}
      />
      <Field id={`${prefix}ContentInput`} name="content" label="Content" type="textarea" required />
    </Modal>
  );
}

/** OpenGraph and Twitter card tags, so a shared link shows its title and excerpt. */
function SocialMeta({
  title,
  description,
  url,
  image,
}: {
  title: string;
  description: string;
  url: string;
  image: string;
}) {
  const absoluteImage = new URL(image, url).toString();
  return (
    <>
      <link rel="canonical" href={url} />
      <meta property="og:type" content="article" />
      <meta property="og:title" content={attributeText(title)} />
      <meta property="og:description" content={attributeText(description)} />
      <meta property="og:url" content={url} />
      <meta property="og:image" content={absoluteImage} />
      <meta name="twitter:card" content="summary" />
      <meta name="twitter:title" content={attributeText(title)} />
      <meta name="twitter:description" content={attributeText(description)} />
      <meta name="twitter:image" content={absoluteImage} />
    </>
  );
}
