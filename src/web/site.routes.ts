import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SITE_NAME, THEME_COLOR, asset } from './assets.js';
import { escapeXml } from './xml.js';

const FEED_SIZE = 20;
// The sitemap protocol's limit for one file.
const SITEMAP_LIMIT = 50_000;
const hidden = { hide: true };

/** The files that crawlers, feed readers and browsers ask for at well-known paths. */
const site: FastifyPluginAsyncTypebox = async (app) => {
  const { postsService, config, pageCache } = app;
  const base = config.frontendUrl;
  const cached = { schema: hidden, preHandler: pageCache.preHandler };

  app.get('/robots.txt', { schema: hidden }, async (_request, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .send(`User-agent: *\nDisallow: /api/\nDisallow: /account\n\nSitemap: ${base}/sitemap.xml\n`),
  );

  app.get(
    '/feed.xml',
    { ...cached, config: { renderCache: true }, onSend: pageCache.onSend },
    async (_request, reply) => {
      const { posts } = await postsService.page({ skip: 0, limit: FEED_SIZE });
      const updated = posts[0]?.date_posted ?? new Date(0).toISOString();
      const entries = posts.map((post) => {
        const url = `${base}/posts/${post.id}`;
        const title = post.title ?? `Post by ${post.author.username}`;
        return `  <entry>
    <title>${escapeXml(title)}</title>
    <link href="${escapeXml(url)}"/>
    <id>${escapeXml(url)}</id>
    <published>${post.date_posted}</published>
    <updated>${post.date_posted}</updated>
    <author><name>${escapeXml(post.author.username)}</name><uri>${escapeXml(`${base}/users/${post.author.id}/posts`)}</uri></author>
    <content type="text">${escapeXml(post.content)}</content>
  </entry>`;
      });
      const feed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${escapeXml(SITE_NAME)}</title>
  <link href="${escapeXml(`${base}/`)}"/>
  <link rel="self" href="${escapeXml(`${base}/feed.xml`)}"/>
  <id>${escapeXml(`${base}/`)}</id>
  <updated>${updated}</updated>
${entries.join('\n')}
</feed>
`;
      return reply.type('application/atom+xml; charset=utf-8').send(feed);
    },
  );

  app.get('/sitemap.xml', cached, async (_request, reply) => {
    const { posts, authors } = await postsService.sitemap(SITEMAP_LIMIT - 1);
    const url = (loc: string, lastmod?: string) =>
      `  <url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`;
    const urls = [
      url(`${base}/`, posts[0]?.datePosted.toISOString()),
      ...posts.map((post) => url(`${base}/posts/${post.id}`, post.datePosted.toISOString())),
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

  const manifest = JSON.stringify({
    name: SITE_NAME,
    short_name: SITE_NAME,
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: THEME_COLOR,
    icons: [
      { src: asset('icons/icon-192.png'), sizes: '192x192', type: 'image/png' },
      { src: asset('icons/icon-512.png'), sizes: '512x512', type: 'image/png' },
      { src: asset('icons/icon-512-maskable.png'), sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: asset('icons/icon.svg'), sizes: 'any', type: 'image/svg+xml' },
    ],
  });
  app.get('/site.webmanifest', { schema: hidden }, async (_request, reply) =>
    reply.type('application/manifest+json; charset=utf-8').send(manifest),
  );

  app.get('/favicon.ico', { schema: hidden }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').sendFile('icons/favicon.ico'),
  );
};

export default site;
