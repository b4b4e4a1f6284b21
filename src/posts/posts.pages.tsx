import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../platform/errors.js';
import { Avatar, ConfirmModal, PagedList } from '../platform/web/components.js';
import { formatPostDate } from '../platform/web/dates.js';
import type { PageDocument } from '../platform/web/layout.js';
import { attributeText } from '../platform/web/render.js';
import { TagChips } from '../tags/tag-chips.js';
import type { UserPublic } from '../users/users.schemas.js';
import { postPath, readingTime } from './links.js';
import { countLinks } from './post-counts.js';
import type { Post, PostDetail, PostPage } from './posts.schemas.js';

// Ids in page paths must be whole numbers; anything else is simply a page that does not exist (404).
const ID = '(^\\d{1,10}$)';

/**
 * A part of a post's page that another feature draws below the post, from the post as the API shows
 * it (comments, say). It may bring its own browser module as a `<script type="module">`.
 */
export type PostSection = (post: PostDetail) => Promise<JSX.Element>;

/** The pages of posts: the feed, a post, a user's posts. They read through the same service as the API. */
const postsPages: FastifyPluginAsyncTypebox<{ sections: PostSection[]; tabs: FeedTab[] }> = async (
  app,
  { sections, tabs },
) => {
  const { postsService, usersService, config } = app;
  const firstPage = { skip: 0, limit: config.postsPerPage };
  const cached = { pageCache: 'rendered' as const };
  const postParams = Type.Object({ post_id: Type.Integer() });

  for (const url of ['/', '/site/posts']) {
    app.get(url, { schema: { hide: true }, config: cached }, async (_request, reply) =>
      reply.page(feedPage(config.site, await postsService.page(firstPage), tabs)),
    );
  }

  // The page of a post lives at its canonical address; its bare id and any outdated slug lead there.
  app.get(`/posts/:post_id${ID}`, { schema: { hide: true, params: postParams } }, async (request, reply) =>
    reply.redirect(postPath(await postsService.get(request.params.post_id)), 301),
  );

  app.get(
    `/posts/:post_id${ID}/:slug`,
    {
      schema: { hide: true, params: Type.Object({ post_id: Type.Integer(), slug: Type.String() }) },
      config: cached,
    },
    async (request, reply) => {
      const post = await postsService.get(request.params.post_id);
      if (post.slug !== request.params.slug) return reply.redirect(postPath(post), 301);
      const below = await Promise.all(sections.map((section) => section(post)));
      return reply.page(postPage(post, `${config.frontendUrl}${postPath(post)}`, below));
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

/**
 * One post in a list: its author, date and reading time, title, excerpt and "Read more".
 * `browser/post-card.ts` builds the same markup in the browser.
 */
export function PostCard({ post }: { post: Post }) {
  const href = postPath(post);
  const name = post.title ?? `the post by ${post.author.username}`;
  return (
    <article class="card post-card mb-3" data-post-id={String(post.id)}>
      <div class="card-body">
        <PostByline post={post} href={href} />
        {post.title !== null && (
          <h2 class="h5 post-title">
            <a class="link-body-emphasis text-decoration-none" href={href} safe>
              {post.title}
            </a>
          </h2>
        )}
        <TagChips tags={post.tags} />
        <p class="post-excerpt mb-2" safe>
          {post.excerpt}
        </p>
        <p class="small mb-0 d-flex flex-wrap gap-3">
          <a class="read-more" href={href}>
            Read more<span class="visually-hidden" safe>{` of ${name}`}</span>
          </a>
          {countLinks(post, href).map((link) => (
            <a class={`${link.class} text-body-secondary`} href={link.href} safe>
              {link.text}
            </a>
          ))}
        </p>
      </div>
    </article>
  );
}

/** Avatar, author, date and reading time, above a post in a list. */
function PostByline({ post, href }: { post: Post; href: string }) {
  return (
    <div class="post-byline d-flex align-items-center gap-2 mb-2">
      <Avatar src={post.author.image_path} size={32} />
      <p class="small text-body-secondary mb-0 min-w-0">
        <AuthorLink author={post.author} />
        {' · '}
        <a class="post-date text-body-secondary" href={href}>
          <PostDate date={post.date_posted} />
        </a>
        {' · '}
        <ReadingTime minutes={post.reading_minutes} />
      </p>
    </div>
  );
}

const AuthorLink = ({ author }: { author: UserPublic }) => (
  <a class="author-link fw-semibold" href={`/users/${author.id}/posts`} safe>
    {author.username}
  </a>
);

const PostDate = ({ date }: { date: string }) => (
  <time datetime={date} safe>
    {formatPostDate(date)}
  </time>
);

const ReadingTime = ({ minutes }: { minutes: number }) => (
  <span class="reading-time" safe>
    {readingTime(minutes)}
  </span>
);

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

/** Another feed beside Latest on the home page, for signed-in readers (Following, say). */
export interface FeedTab {
  label: string;
  href: string;
}

export const LATEST_TAB: FeedTab = { label: 'Latest', href: '/' };

/** The site's name and description, at the top of the home page and of its other tabs. */
export function SiteHeader({ site }: { site: { name: string; description: string } }) {
  return (
    <header class="site-header mb-4 pb-3 border-bottom">
      <h1 class="site-title" safe>
        {site.name}
      </h1>
      <p class="site-description lead mb-0" safe>
        {site.description}
      </p>
    </header>
  );
}

/**
 * The home page's tabs, Latest and those other features add: links to pages of their own (so each
 * works, and can be bookmarked, without scripts), the current one marked with `aria-current`. Only
 * signed-in readers see them (`when-signed-in`): the pages are the same for every visitor.
 */
export function FeedTabs({ tabs, current }: { tabs: FeedTab[]; current: string }) {
  return (
    <nav class="feed-tabs when-signed-in mb-3" aria-label="Feeds">
      <ul class="nav nav-underline">
        {tabs.map((tab) => (
          <li class="nav-item">
            <a
              class={tab.href === current ? 'nav-link active' : 'nav-link'}
              href={tab.href}
              aria-current={tab.href === current ? 'page' : undefined}
              safe
            >
              {tab.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The home page: the site's header, the first page on the server, then "Load More" in the browser. */
export function feedPage(
  site: { name: string; description: string },
  page: PostPage,
  tabs: FeedTab[] = [],
): PageDocument {
  return {
    title: site.name,
    script: 'posts/home',
    description: site.description,
    body: (
      <div class="reading-column">
        <SiteHeader site={site} />
        {tabs.length > 0 && <FeedTabs tabs={[LATEST_TAB, ...tabs]} current={LATEST_TAB.href} />}
        <h2 class="section-heading mb-3">Latest posts</h2>
        <PostList page={page} source="/api/posts" emptyMessage="No posts yet. Be the first to write one!" />
      </div>
    ),
  };
}

/** "Posts by <username>": the first page on the server, infinite scroll in the browser. */
export function userPostsPage(user: UserPublic, page: PostPage): PageDocument {
  return {
    title: `Posts by ${user.username}`,
    script: 'posts/user-posts',
    body: (
      <div class="reading-column">
        <div class="d-flex align-items-center gap-3 mb-4 min-w-0">
          <Avatar src={user.image_path} size={64} />
          <h1 class="h3 mb-0 min-w-0 text-break" safe>
            {`Posts by ${user.username}`}
          </h1>
          <span class="badge text-bg-secondary" safe>
            {`${page.total} ${page.total === 1 ? 'post' : 'posts'}`}
          </span>
        </div>
        {user.bio !== null && (
          <p class="user-bio lead fs-6 mb-3" safe>
            {user.bio}
          </p>
        )}
        {/* Counts and the Follow button are the visitor's: filled in by js/follows/follow-button. */}
        <div id="followBox" class="d-flex align-items-center gap-3 mb-4" data-user-id={String(user.id)}>
          <span id="followCounts" class="text-body-secondary small" aria-live="polite"></span>
          <button
            type="button"
            id="followButton"
            class="btn btn-sm btn-outline-primary"
            aria-pressed="false"
            hidden
          >
            Follow
          </button>
        </div>
        <PostList page={page} source={`/api/users/${user.id}/posts`} emptyMessage="No posts yet." />
        <div id="scrollSentinel" aria-hidden="true"></div>
      </div>
    ),
  };
}

/**
 * A post's page, read like an article: title, subtitle, author line (with "Updated" when the author
 * changed it after it was published), the rendered content at a readable measure, then likes, the
 * author's controls and what other features add (comments).
 */
export function postPage(post: PostDetail, url: string, sections: JSX.Element[] = []): PageDocument {
  const title = post.title ?? `Post by ${post.author.username}`;
  // Made by the Markdown renderer and its allowlist when the post was written (markdown.ts).
  const safeContent = post.content_html;
  return {
    title,
    script: 'posts/post',
    description: post.excerpt,
    meta: <SocialMeta title={title} description={post.excerpt} url={url} image={post.author.image_path} />,
    body: (
      <>
        <article
          id="post"
          class="article"
          data-post-id={String(post.id)}
          data-author-id={String(post.author.id)}
        >
          <header class="article-header">
            {post.title !== null && (
              <h1 class="article-title post-title" safe>
                {post.title}
              </h1>
            )}
            {post.title === null && (
              <h1 class="visually-hidden" safe>
                {title}
              </h1>
            )}
            {post.description !== null && (
              <p class="article-description" safe>
                {post.description}
              </p>
            )}
            <div class="article-byline d-flex align-items-center gap-3">
              <Avatar src={post.author.image_path} size={48} />
              <div class="min-w-0">
                <AuthorLink author={post.author} />
                <p class="small text-body-secondary mb-0">
                  <PostDate date={post.date_posted} />
                  {Date.parse(post.updated_at) > Date.parse(post.date_posted) && (
                    <>
                      {' · '}
                      <span class="post-updated">
                        Updated <PostDate date={post.updated_at} />
                      </span>
                    </>
                  )}
                  {' · '}
                  <ReadingTime minutes={post.reading_minutes} />
                </p>
              </div>
            </div>
            <TagChips tags={post.tags} />
          </header>
          <div class="article-content">{safeContent}</div>
          <footer class="article-actions d-flex flex-wrap gap-2 align-items-center">
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
              <a class="btn btn-outline-secondary btn-sm me-2" href={`/editor/${post.id}`}>
                Edit
              </a>
              <button
                type="button"
                class="btn btn-outline-danger btn-sm"
                data-bs-toggle="modal"
                data-bs-target="#deletePostModal"
              >
                Delete
              </button>
            </span>
          </footer>
        </article>
        <div class="article-sections">
          {sections.map((section) => (
            <>{section}</>
          ))}
        </div>
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
