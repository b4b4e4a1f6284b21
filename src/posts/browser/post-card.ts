import type { Post } from '../posts.schemas.js';
import { formatPostDate, h, smallAvatar } from '../../platform/web/browser/dom.js';
import { postPath, readingTime } from '../links.js';
import { countLinks } from '../post-counts.js';
import { tagChips } from '../../tags/browser/tag-chips.js';

/** The same markup as the server's `PostCard` (src/posts/posts.pages.tsx), built as DOM. */
export function postCard(post: Post): HTMLElement {
  const href = postPath(post);
  const name = post.title ?? `the post by ${post.author.username}`;
  const byline = h(
    'div',
    { class: 'post-byline d-flex align-items-center gap-2 mb-2' },
    smallAvatar(post.author.image_path),
    h(
      'p',
      { class: 'small text-body-secondary mb-0 min-w-0' },
      h(
        'a',
        { class: 'author-link fw-semibold', href: `/users/${post.author.id}/posts` },
        post.author.username,
      ),
      ' · ',
      h(
        'a',
        { class: 'post-date text-body-secondary', href },
        h('time', { datetime: post.date_posted }, formatPostDate(post.date_posted)),
      ),
      ' · ',
      h('span', { class: 'reading-time' }, readingTime(post.reading_minutes)),
    ),
  );
  const title =
    post.title === null
      ? null
      : h(
          'h2',
          { class: 'h5 post-title' },
          h('a', { class: 'link-body-emphasis text-decoration-none', href }, post.title),
        );
  return h(
    'article',
    { class: 'card post-card mb-3', 'data-post-id': post.id },
    h(
      'div',
      { class: 'card-body' },
      byline,
      title,
      tagChips(post.tags),
      h('p', { class: 'post-excerpt mb-2' }, post.excerpt),
      h(
        'p',
        { class: 'small mb-0 d-flex flex-wrap gap-3' },
        h(
          'a',
          { class: 'read-more', href },
          'Read more',
          h('span', { class: 'visually-hidden' }, ` of ${name}`),
        ),
        ...countLinks(post, href).map((link) =>
          h('a', { class: `${link.class} text-body-secondary`, href: link.href }, link.text),
        ),
      ),
    ),
  );
}
