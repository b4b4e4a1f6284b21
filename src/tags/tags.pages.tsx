import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { PostList } from '../posts/posts.pages.js';
import type { PostPage } from '../posts/posts.schemas.js';
import type { PageDocument } from '../platform/web/layout.js';
import { atomFeed, FEED_SIZE } from '../site/atom.js';
import { tagHref } from './tag-chips.js';
import { normaliseTag } from './tags.service.js';

/**
 * A tag's page (its posts, newest first, then Load More) and its Atom feed. Registered after posts:
 * they list posts through the posts service, as the API does.
 */
const tagPages: FastifyPluginAsyncTypebox = async (app) => {
  const { postsService, config } = app;
  const base = config.frontendUrl;
  const params = { params: Type.Object({ name: Type.String({ maxLength: 100 }) }), hide: true };
  const cached = { pageCache: 'rendered' as const };

  /** The tag of the path, or undefined when it is no tag or has no published post (a 404). */
  async function pageOf(raw: string, limit: number): Promise<{ name: string; page: PostPage } | undefined> {
    const name = normaliseTag(raw);
    if (name === undefined) return undefined;
    const page = await postsService.pageByTag(name, { skip: 0, limit });
    return page.total === 0 ? undefined : { name, page };
  }

  app.get('/tags/:name', { schema: params, config: cached }, async (request, reply) => {
    const found = await pageOf(request.params.name, config.postsPerPage);
    if (!found) return reply.callNotFound();
    if (found.name !== request.params.name) return reply.redirect(tagHref(found.name), 301);
    return reply.page(tagPage(found.name, found.page));
  });

  app.get('/tags/:name/feed.xml', { schema: params, config: cached }, async (request, reply) => {
    const found = await pageOf(request.params.name, FEED_SIZE);
    if (!found) return reply.callNotFound();
    const page = `${base}${tagHref(found.name)}`;
    const feed = atomFeed({
      base,
      title: `#${found.name} · ${config.site.name}`,
      page,
      self: `${page}/feed.xml`,
      posts: found.page.posts,
    });
    return reply.type('application/atom+xml; charset=utf-8').send(feed);
  });
};

export function tagPage(name: string, page: PostPage): PageDocument {
  const count = `${page.total} ${page.total === 1 ? 'post' : 'posts'}`;
  return {
    title: `#${name}`,
    script: 'posts/home',
    description: `Posts tagged ${name}.`,
    meta: (
      <link
        rel="alternate"
        type="application/atom+xml"
        title={`#${name} feed`}
        href={`${tagHref(name)}/feed.xml`}
      />
    ),
    body: (
      <>
        <div class="d-flex flex-wrap align-items-center gap-3 mb-4">
          <h1 class="h3 mb-0" safe>
            {`#${name}`}
          </h1>
          <span class="badge text-bg-secondary" safe>
            {count}
          </span>
          <a class="small ms-auto" href={`${tagHref(name)}/feed.xml`}>
            Atom feed
          </a>
        </div>
        <PostList page={page} source={`/api/posts?tag=${name}`} emptyMessage="No posts with this tag yet." />
      </>
    ),
  };
}

export default fp(tagPages, { name: 'tag-pages', dependencies: ['posts', 'tags'] });
