import type { Post } from '../posts/posts.schemas.js';
import { escapeXml } from '../platform/web/xml.js';
import { postPath } from '../posts/links.js';

/** How many posts an Atom feed carries. */
export const FEED_SIZE = 20;

/** An Atom feed of posts, newest first: the site's (`/feed.xml`) and each tag's. */
export function atomFeed(feed: {
  base: string;
  title: string;
  subtitle?: string;
  page: string;
  self: string;
  posts: Post[];
}): string {
  const { base, posts } = feed;
  // The feed changed when its newest entry was posted or an entry was last edited (ISO strings of one
  // format compare as their times do).
  const updated = posts.reduce(
    (latest, post) => (post.updated_at > latest ? post.updated_at : latest),
    new Date(0).toISOString(),
  );
  const entries = posts.map((post) => {
    const url = `${base}${postPath(post)}`;
    const title = post.title ?? `Post by ${post.author.username}`;
    return `  <entry>
    <title>${escapeXml(title)}</title>
    <link href="${escapeXml(url)}"/>
    <id>${escapeXml(url)}</id>
    <published>${post.date_posted}</published>
    <updated>${post.updated_at}</updated>
    <author><name>${escapeXml(post.author.username)}</name><uri>${escapeXml(`${base}/users/${post.author.id}/posts`)}</uri></author>
${post.tags.map((tag) => `    <category term="${escapeXml(tag)}"/>`).join('\n')}
    <summary type="text">${escapeXml(post.excerpt)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${escapeXml(feed.title)}</title>
${feed.subtitle === undefined ? '' : `  <subtitle>${escapeXml(feed.subtitle)}</subtitle>\n`}  <link href="${escapeXml(feed.page)}"/>
  <link rel="self" href="${escapeXml(feed.self)}"/>
  <id>${escapeXml(feed.page)}</id>
  <updated>${updated}</updated>
${entries.join('\n')}
</feed>
`;
}
