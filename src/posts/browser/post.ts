import type { LikeState } from '../posts.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, modal, showError } from '../../platform/web/browser/dom.js';
import { currentUser } from '../../platform/web/browser/session.js';
import { flashOnNextPage } from '../../platform/web/browser/toasts.js';
import { hasRole } from '../../users/roles.js';
import type { UserPrivate } from '../../users/users.schemas.js';

const container = byId('post');
const postId = container.dataset.postId ?? '';
const authorId = Number(container.dataset.authorId);
const likeButton = byId<HTMLButtonElement>('likeButton');

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
  controls.querySelector<HTMLElement>('a[href^="/editor/"]')!.hidden = user.id !== authorId;
}

likeButton.addEventListener('click', () => {
  const liked = likeButton.getAttribute('aria-pressed') === 'true';
  likeButton.disabled = true;
  api<LikeState>(`/api/posts/${postId}/like`, { method: liked ? 'DELETE' : 'POST' })
    .then(showLikes)
    .catch((error: unknown) => showError((error as Error).message))
    .finally(() => (likeButton.disabled = false));
});

byId('confirmDeletePost').addEventListener('click', () => {
  api(`/api/posts/${postId}`, { method: 'DELETE' })
    .then(() => {
      flashOnNextPage('Your post is deleted.');
      window.location.assign('/');
    })
    .catch((error: unknown) => {
      modal('deletePostModal').hide();
      showError((error as Error).message);
    });
});
