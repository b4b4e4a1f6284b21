import type { Comment, CommentPage } from '../comments.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, field, modal, onSubmit, showError } from '../../platform/web/browser/dom.js';
import { listLoader } from '../../platform/web/browser/list-loader.js';
import { currentUser } from '../../platform/web/browser/session.js';
import { hasRole } from '../../users/roles.js';
import type { UserPrivate } from '../../users/users.schemas.js';
import { commentItem } from './comment-item.js';

// The comments below a post: Load More, the form of signed-in readers, and Edit and Delete on the
// comments the reader may change (their own; any of them on their own post; a moderator deletes any).
const section = byId('comments');
const postAuthorId = Number(byId('post').dataset.authorId);
const list = byId('commentList');
const form = byId<HTMLFormElement>('commentForm');
const editForm = byId<HTMLFormElement>('editCommentForm');
const loader = listLoader<CommentPage, Comment>({
  listId: 'commentList',
  moreId: 'loadMoreComments',
  items: (page) => page.comments,
  render: commentItem,
  idAttribute: 'data-comment-id',
});
let chosen: HTMLElement | undefined;
const reader = await currentUser<UserPrivate>().catch(() => null);
const readerId = reader?.id;
const moderates = reader !== null && hasRole(reader, 'moderator');

function showControls(item: HTMLElement): void {
  const own = readerId !== undefined && Number(item.dataset.authorId) === readerId;
  const controls = item.querySelector<HTMLElement>('.comment-controls');
  if (!controls) return;
  controls.hidden = !own && readerId !== postAuthorId && !moderates;
  controls.querySelector<HTMLElement>('[data-action="edit-comment"]')!.hidden = !own;
}

function changeCount(by: number): void {
  const count = byId('commentCount');
  const next = Number(/\d+/.exec(count.textContent ?? '')?.[0] ?? 0) + by;
  count.textContent = `(${next} ${next === 1 ? 'comment' : 'comments'})`;
  byId('noComments').hidden = list.childElementCount > 0;
}

// Items the loader adds get their controls as they arrive.
new MutationObserver((changes) => {
  for (const change of changes) change.addedNodes.forEach((node) => showControls(node as HTMLElement));
}).observe(list, { childList: true });
list.querySelectorAll<HTMLElement>('[data-comment-id]').forEach(showControls);

onSubmit(form, async (data) => {
  const comment = await api<Comment>(`/api/posts/${section.dataset.postId}/comments`, {
    method: 'POST',
    json: { content: field(data, 'content') },
  });
  // The new comment is the newest: every older one is shown first.
  while (!loader.done()) await loader.loadNext();
  if (!list.querySelector(`[data-comment-id="${comment.id}"]`)) list.append(commentItem(comment));
  form.reset();
  changeCount(1);
});

list.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLElement>('[data-action]');
  const item = button?.closest<HTMLElement>('[data-comment-id]');
  if (!button || !item) return;
  chosen = item;
  if (button.dataset.action === 'edit-comment') {
    (editForm.elements.namedItem('content') as HTMLTextAreaElement).value =
      item.querySelector('.comment-content')?.textContent ?? '';
    modal('editCommentModal').show();
  } else if (button.dataset.action === 'delete-comment') {
    modal('deleteCommentModal').show();
  }
});

onSubmit(editForm, async (data) => {
  if (!chosen) return;
  const comment = await api<Comment>(`/api/comments/${chosen.dataset.commentId}`, {
    method: 'PATCH',
    json: { content: field(data, 'content') },
  });
  chosen.querySelector('.comment-content')!.textContent = comment.content;
  modal('editCommentModal').hide();
});

byId('confirmDeleteComment').addEventListener('click', () => {
  const item = chosen;
  if (!item) return;
  api(`/api/comments/${item.dataset.commentId}`, { method: 'DELETE' })
    .then(() => {
      item.remove();
      modal('deleteCommentModal').hide();
      changeCount(-1);
    })
    .catch((error: unknown) => {
      modal('deleteCommentModal').hide();
      showError((error as Error).message);
    });
});
