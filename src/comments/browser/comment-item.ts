import type { Comment } from '../comments.schemas.js';
import { formatPostDate, h } from '../../platform/web/browser/dom.js';

/** The same markup as the server's `CommentItem` (src/comments/comments.pages.tsx), built as DOM. */
export function commentItem(comment: Comment): HTMLElement {
  return h(
    'article',
    {
      class: 'comment d-flex gap-3 py-3 border-top',
      'data-comment-id': comment.id,
      'data-author-id': comment.author.id,
    },
    h('img', {
      class: 'avatar rounded-circle flex-shrink-0',
      src: comment.author.image_path,
      alt: '',
      width: 48,
      height: 48,
      loading: 'lazy',
    }),
    h(
      'div',
      { class: 'flex-grow-1 min-w-0' },
      h(
        'p',
        { class: 'small text-body-secondary mb-1' },
        h(
          'a',
          { class: 'author-link fw-semibold', href: `/users/${comment.author.id}/posts` },
          comment.author.username,
        ),
        ' · ',
        h(
          'a',
          { class: 'post-date text-body-secondary', href: `#comment-${comment.id}` },
          h('time', { datetime: comment.created_at }, formatPostDate(comment.created_at)),
        ),
      ),
      h('p', { class: 'comment-content mb-1', id: `comment-${comment.id}` }, comment.content),
      h(
        'div',
        { class: 'comment-controls small', hidden: true },
        h(
          'button',
          { type: 'button', class: 'btn btn-link btn-sm p-0 me-3', 'data-action': 'edit-comment' },
          'Edit',
        ),
        h(
          'button',
          { type: 'button', class: 'btn btn-link btn-sm p-0 link-danger', 'data-action': 'delete-comment' },
          'Delete',
        ),
      ),
    ),
  );
}
