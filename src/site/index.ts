import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { postPath } from '../posts/links.js';
import { escapeXml } from '../platform/web/xml.js';

const FEED_SIZE = 20;
// The sitemap protocol's limit for one file.
const SITEMAP_LIMIT = 50_000;

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
    const updated = posts[0]?.date_posted ?? new Date(0).toISOString();
    const entries = posts.map((post) => {
      const url = `${base}${postPath(post)}`;
      const title = post.title ?? `Post by ${post.author.username}`;
      return `  <entry>
    <title>${escapeXml(title)}</title>
    <link href="${escapeXml(url)}"/>
    <id>${escapeXml(url)}</id>
    <published>${post.date_posted}</published>
    <updated>${post.date_posted}</updated>
    <author><name>${escapeXml(post.author.username)}</name><uri>${escapeXml(`${base}/users/${post.author.id}/posts`)}</uri></author>
    <summary type="text">${escapeXml(post.excerpt)}</summary>
  </entry>`;
    });
    const feed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${escapeXml(config.site.name)}</title>
  <subtitle>${escapeXml(config.site.description)}</subtitle>
  <link href="${escapeXml(`${base}/`)}"/>
  <link rel="self" href="${escapeXml(`${base}/feed.xml`)}"/>
  <id>${escapeXml(`${base}/`)}</id>
  <updated>${updated}</updated>
${entries.join('\n')}
</feed>
`;
    return reply.type('application/atom+xml; charset=utf-8').send(feed);
  });

  app.get('/sitemap.xml', { schema: hidden, config: { pageCache: 'etag' } }, async (_request, reply) => {
    const { posts, authors } = await postsService.sitemap(SITEMAP_LIMIT - 1);
    const url = (loc: string, lastmod?: string) =>
      `  <url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`;
    const urls = [
      url(`${base}/`, posts[0]?.datePosted.toISOString()),
      ...posts.map((post) => url(`${base}${postPath(post)}`, post.datePosted.toISOString())),
      ...authors
        .slice(0, Math.max(0, SITEMAP_LIMIT - 1 - posts.length))
        .map((id) => url(`${base}/users/${id}/posts`)),
    ];
    return reply
      .type('application/xml; charset=utf-8')
      .send(
        `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      );
  });
};

export default fp(site, { name: 'site', dependencies: ['posts'] });
