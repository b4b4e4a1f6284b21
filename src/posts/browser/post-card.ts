import type { Post } from '../posts.schemas.js';
import { formatPostDate, h } from '../../platform/web/browser/dom.js';
import { tagChips } from '../../tags/browser/tag-chips.js';

/** The same markup as the server's `PostCard` (src/posts/posts.pages.tsx), built as DOM. */
export function postCard(post: Post): HTMLElement {
  const href = `/posts/${post.id}`;
  const byline = h(
    'p',
    { class: 'small text-body-secondary mb-1' },
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
      { class: 'card-body d-flex gap-3' },
      h('img', {
        class: 'avatar rounded-circle flex-shrink-0',
        src: post.author.image_path,
        alt: '',
        width: 48,
        height: 48,
        loading: 'lazy',
      }),
      h(
        'div',
        { class: 'flex-grow-1 min-w-0' },
        byline,
        title,
        tagChips(post.tags),
        h('p', { class: 'post-content mb-0' }, post.content),
        h(
          'a',
          { class: 'comment-count small text-body-secondary', href: `${href}#comments` },
          `${post.comments} ${post.comments === 1 ? 'comment' : 'comments'}`,
        ),
      ),
    ),
  );
}
