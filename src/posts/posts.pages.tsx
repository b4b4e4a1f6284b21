import { formatPostDate } from '../shared/dates.js';
import { Layout, PostFields } from '../web/layout.js';
import { attributeText } from '../web/render.js';
import type { PostPageView, PostView } from './posts.service.js';

/** One post in a list or on its page. `src/client/post-card.ts` builds the same markup in the browser. */
export function PostCard({ post, headingLevel = 2 }: { post: PostView; headingLevel?: 1 | 2 }) {
  const href = `/posts/${post.id}`;
  return (
    <article class="card post-card mb-3" data-post-id={String(post.id)}>
      <div class="card-body d-flex gap-3">
        <img
          class="avatar rounded-circle flex-shrink-0"
          src={post.author.image_path}
          alt=""
          width="48"
          height="48"
          loading="lazy"
        />
        <div class="flex-grow-1 min-w-0">
          <p class="small text-body-secondary mb-1">
            <a class="author-link fw-semibold" href={`/users/${post.author.id}/posts`} safe>
              {post.author.username}
            </a>
            {' · '}
            <a class="post-date text-body-secondary" href={href}>
              <time datetime={post.date_posted} safe>
                {formatPostDate(post.date_posted)}
              </time>
            </a>
          </p>
          {post.title !== null && <PostTitle title={post.title} href={href} level={headingLevel} />}
          <p class="post-content mb-0" safe>
            {post.content}
          </p>
        </div>
      </div>
    </article>
  );
}

function PostTitle({ title, href, level }: { title: string; href: string; level: 1 | 2 }) {
  const link = (
    <a class="link-body-emphasis text-decoration-none" href={href} safe>
      {title}
    </a>
  );
  return level === 1 ? <h1 class="h3 post-title">{link}</h1> : <h2 class="h5 post-title">{link}</h2>;
}

/** The home page: the first page on the server, then "Load More" in the browser. */
export function FeedPage({ page }: { page: PostPageView }) {
  return (
    <Layout title="Home" page="home" description="The latest posts.">
      <h1 class="h3 mb-4">Latest posts</h1>
      <PostList page={page} emptyMessage="No posts yet. Be the first to write one!" />
      <div class="text-center">
        <button type="button" class="btn btn-outline-primary" id="loadMore" hidden={!page.has_more}>
          Load More
        </button>
      </div>
    </Layout>
  );
}

/** A list of posts that the browser continues from `data-next-cursor`. */
export function PostList({
  page,
  emptyMessage,
  source = '/api/posts',
}: {
  page: PostPageView;
  emptyMessage: string;
  source?: string;
}) {
  return (
    <>
      <section
        id="postList"
        aria-label="Posts"
        aria-live="polite"
        data-source={source}
        data-limit={String(page.limit)}
        data-next-cursor={page.next_cursor ?? ''}
      >
        {page.posts.map((post) => (
          <PostCard post={post} />
        ))}
      </section>
      <p class="text-body-secondary" id="emptyState" hidden={page.posts.length > 0} safe>
        {emptyMessage}
      </p>
    </>
  );
}

export function PostPage({ post, url }: { post: PostView; url: string }) {
  const title = post.title ?? `Post by ${post.author.username}`;
  const description = post.content.length > 200 ? `${post.content.slice(0, 197)}...` : post.content;
  return (
    <Layout
      title={title}
      page="post"
      description={description}
      meta={<SocialMeta title={title} description={description} url={url} image={post.author.image_path} />}
    >
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
      <EditPostModal post={post} />
      <DeletePostModal />
    </Layout>
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

function EditPostModal({ post }: { post: PostView }) {
  return (
    <div
      class="modal fade"
      id="editPostModal"
      tabindex="-1"
      aria-labelledby="editPostTitle"
      aria-hidden="true"
    >
      <div class="modal-dialog">
        <form
          class="modal-content"
          id="editPostForm"
          novalidate
          data-title={attributeText(post.title ?? '')}
          data-content={attributeText(post.content)}
        >
          <div class="modal-header">
            <h2 class="modal-title fs-5" id="editPostTitle">
              Edit Post
            </h2>
            <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button>
          </div>
          <div class="modal-body">
            <PostFields prefix="editPost" />
          </div>
          <div class="modal-footer">
            <button type="button" class="btn btn-secondary" data-bs-dismiss="modal">
              Cancel
            </button>
            <button type="submit" class="btn btn-primary">
              Save
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

function DeletePostModal() {
  return (
    <div
      class="modal fade"
      id="deletePostModal"
      tabindex="-1"
      aria-labelledby="deletePostTitle"
      aria-hidden="true"
    >
      <div class="modal-dialog">
        <div class="modal-content">
          <div class="modal-header">
            <h2 class="modal-title fs-5" id="deletePostTitle">
              Delete Post?
            </h2>
            <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button>
          </div>
          <div class="modal-body">This cannot be undone.</div>
          <div class="modal-footer">
            <button type="button" class="btn btn-secondary" data-bs-dismiss="modal">
              Cancel
            </button>
            <button type="button" class="btn btn-danger" id="confirmDeletePost">
              Delete
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}
