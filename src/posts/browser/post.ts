import type { LikeState, Post } from '../posts.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, field, modal, onSubmit, showError } from '../../platform/web/browser/dom.js';
import { currentUser } from '../../platform/web/browser/session.js';
import { hasRole } from '../../users/roles.js';
import type { UserPrivate } from '../../users/users.schemas.js';

const container = byId('post');
const postId = container.dataset.postId ?? '';
const authorId = Number(container.dataset.authorId);
const likeButton = byId<HTMLButtonElement>('likeButton');
const editForm = byId<HTMLFormElement>('editPostForm');

function showLikes(state: LikeState): void {
  likeButton.querySelector('[data-role="count"]')!.textContent = String(state.likes);
  likeButton.querySelector('[data-role="label"]')!.textContent = state.liked ? 'Liked' : 'Like';
  likeButton.setAttribute('aria-pressed', String(state.liked));
  likeButton.classList.toggle('btn-danger', state.liked);
  likeButton.classList.toggle('btn-outline-danger', !state.liked);
}

const user = await currentUser<UserPrivate>().catch(() => null);
if (user) {
  showLikes(await api<LikeState>(`/api/posts/${postId}/like`));
  likeButton.disabled = false;
  // The author edits and deletes; a moderator may delete anyone's post, not edit it.
  const controls = byId('ownerControls');
  controls.hidden = user.id !== authorId && !hasRole(user, 'moderator');
  controls.querySelector<HTMLElement>('[data-bs-target="#editPostModal"]')!.hidden = user.id !== authorId;
}

likeButton.addEventListener('click', () => {
  const liked = likeButton.getAttribute('aria-pressed') === 'true';
  likeButton.disabled = true;
  api<LikeState>(`/api/posts/${postId}/like`, { method: liked ? 'DELETE' : 'POST' })
    .then(showLikes)
    .catch((error: unknown) => showError((error as Error).message))
    .finally(() => (likeButton.disabled = false));
});

// The edit form opens with the post as it is now.
byId('editPostModal').addEventListener('show.bs.modal', () => {
  (editForm.elements.namedItem('title') as HTMLInputElement).value = editForm.dataset.title ?? '';
  (editForm.elements.namedItem('content') as HTMLTextAreaElement).value = editForm.dataset.content ?? '';
});

onSubmit(editForm, async (data) => {
  const title = field(data, 'title').trim();
  await api<Post>(`/api/posts/${postId}`, {
    method: 'PATCH',
    json: { title: title === '' ? null : title, content: field(data, 'content') },
  });
  modal('editPostModal').hide();
  window.location.reload();
});

byId('confirmDeletePost').addEventListener('click', () => {
  api(`/api/posts/${postId}`, { method: 'DELETE' })
    .then(() => window.location.assign('/'))
    .catch((error: unknown) => {
      modal('deletePostModal').hide();
      showError((error as Error).message);
    });
});
