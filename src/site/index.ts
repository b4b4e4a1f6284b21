import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { postPath } from '../posts/links.js';
import { escapeXml } from '../platform/web/xml.js';
import { tagHref } from '../tags/tag-chips.js';
import { atomFeed, FEED_SIZE } from './atom.js';

// The sitemap protocol's limit for one file.
const SITEMAP_LIMIT = 50_000;
/** The most used tags' pages are listed too. */
const SITEMAP_TAGS = 1_000;

/** The files that crawlers and feed readers ask for: the Atom feed, the sitemap, robots.txt. */
const site: FastifyPluginAsyncTypebox = async (app) => {
  const { postsService, config } = app;
  const base = config.frontendUrl;
  const hidden = { hide: true };

  app.get('/robots.txt', { schema: hidden }, async (_request, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .send(`User-agent: *\nDisallow: /api/\nDisallow: /account\n\nSitemap: ${base}/sitemap.xml\n`),
  );

  app.get('/feed.xml', { schema: hidden, config: { pageCache: 'rendered' } }, async (_request, reply) => {
    const { posts } = await postsService.page({ skip: 0, limit: FEED_SIZE });
    const feed = atomFeed({
      base,
      title: config.site.name,
      subtitle: config.site.description,
      page: `${base}/`,
      self: `${base}/feed.xml`,
      posts,
    });
    return reply.type('application/atom+xml; charset=utf-8').send(feed);
  });

  app.get('/sitemap.xml', { schema: hidden, config: { pageCache: 'etag' } }, async (_request, reply) => {
    const [{ posts, authors }, tags] = await Promise.all([
      postsService.sitemap(SITEMAP_LIMIT - 1),
      app.tagsService.names(SITEMAP_TAGS),
    ]);
    const url = (loc: string, lastmod?: string) =>
      `  <url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`;
    const urls = [
      url(`${base}/`, posts[0]?.datePosted.toISOString()),
      ...posts.map((post) => url(`${base}${postPath(post)}`, post.updatedAt.toISOString())),
      ...authors
        .slice(0, Math.max(0, SITEMAP_LIMIT - 1 - posts.length))
        .map((id) => url(`${base}/users/${id}/posts`)),
      ...tags
        .slice(0, Math.max(0, SITEMAP_LIMIT - 1 - posts.length - authors.length))
        .map((tag) => url(`${base}${tagHref(tag)}`)),
    ];
    return reply
      .type('application/xml; charset=utf-8')
      .send(
        `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      );
  });
};

export default fp(site, { name: 'site', dependencies: ['posts', 'tags'] });
