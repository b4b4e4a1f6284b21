import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import type { Post, PostPage } from '../posts/posts.schemas.js';
import { AuthorLine } from '../platform/web/components.js';
import type { PageDocument } from '../platform/web/layout.js';
import { TagChips } from '../tags/tag-chips.js';
import { QUERY_MAX_LENGTH, RANKED_CANDIDATES } from './limits.js';
import type { SnippetPart } from './search.schemas.js';

/** The search box of the navbar: a plain form, so it works before any script has run. */
export function NavbarSearch() {
  return (
    <form class="d-flex my-2 my-md-0 me-md-3" role="search" action="/search" method="get">
      <label class="visually-hidden" for="navSearch">
        Search posts
      </label>
      <input
        class="form-control form-control-sm"
        type="search"
        id="navSearch"
        name="q"
        placeholder="Search"
        maxlength={String(QUERY_MAX_LENGTH)}
        required
      />
    </form>
  );
}

/** `/search?q=`: the results of GET /api/posts?q=, then Load More. Registered after posts. */
const searchPages: FastifyPluginAsyncTypebox = async (app) => {
  const { postsService, config } = app;
  app.get(
    '/search',
    {
      schema: { hide: true, querystring: Type.Object({ q: Type.Optional(Type.String()) }) },
      config: { pageCache: 'rendered' },
    },
    async (request, reply) => {
      const q = (request.query.q ?? '').trim();
      if (q === '' || q.length > QUERY_MAX_LENGTH) return reply.page(searchPage(q, undefined));
      const page = await postsService.page({ q, skip: 0, limit: config.postsPerPage });
      return reply.page(searchPage(q, page));
    },
  );
};

export function searchPage(q: string, page: PostPage | undefined): PageDocument {
  const tooLong = q.length > QUERY_MAX_LENGTH;
  return {
    title: q ? `Search: ${q.slice(0, 60)}` : 'Search',
    script: 'search/search',
    body: (
      <>
        <h1 class="h3 mb-3">Search</h1>
        <form class="mb-4" role="search" action="/search" method="get">
          <label class="form-label" for="searchInput">
            Words, "a phrase", -without, this or that
          </label>
          <div class="input-group">
            <input
              class={`form-control${tooLong ? ' is-invalid' : ''}`}
              type="search"
              id="searchInput"
              name="q"
              value={q}
              maxlength={String(QUERY_MAX_LENGTH)}
              required
            />
            <button class="btn btn-primary" type="submit">
              Search
            </button>
            {tooLong && <div class="invalid-feedback">{`Use at most ${QUERY_MAX_LENGTH} characters.`}</div>}
          </div>
        </form>
        {page !== undefined && <Results q={q} page={page} />}
      </>
    ),
  };
}

function Results({ q, page }: { q: string; page: PostPage }) {
  return (
    <>
      <p class="text-body-secondary" id="searchSummary" safe>
        {page.total === 0
          ? 'No posts match.'
          : `${page.total}${page.total >= RANKED_CANDIDATES ? '+' : ''} ${page.total === 1 ? 'post matches' : 'posts match'}, the most relevant first.`}
      </p>
      <section
        id="searchResults"
        aria-label="Results"
        aria-live="polite"
        data-q={q}
        data-limit={String(page.limit)}
        data-next-skip={page.has_more ? String(page.skip + page.posts.length) : ''}
      >
        {page.posts.map((post) => (
          <SearchResult post={post} />
        ))}
      </section>
      <div class="text-center">
        <button type="button" class="btn btn-outline-primary" id="searchMore" hidden={!page.has_more}>
          Load More
        </button>
      </div>
    </>
  );
}

/** One result. `browser/search.ts` builds the same markup in the browser. */
function SearchResult({ post }: { post: Post }) {
  const href = `/posts/${post.id}`;
  return (
    <article class="card post-card search-result mb-3" data-post-id={String(post.id)}>
      <div class="card-body">
        <AuthorLine author={post.author} date={post.date_posted} href={href} />
        <h2 class="h5 post-title">
          <a class="link-body-emphasis text-decoration-none" href={href} safe>
            {post.title ?? `Post by ${post.author.username}`}
          </a>
        </h2>
        <TagChips tags={post.tags} />
        <p class="snippet mb-0">
          <Snippet parts={post.snippet ?? []} />
        </p>
      </div>
    </article>
  );
}

function Snippet({ parts }: { parts: SnippetPart[] }) {
  return (
    <>{parts.map((part) => (part.match ? <mark safe>{part.text}</mark> : <span safe>{part.text}</span>))}</>
  );
}

export default fp(searchPages, { name: 'search-pages', dependencies: ['posts', 'search'] });
