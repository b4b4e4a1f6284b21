import type { Post } from '../posts.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, field, modal, onSubmit } from '../../platform/web/browser/dom.js';
import { currentUser } from '../../platform/web/browser/session.js';
import { flashOnNextPage } from '../../platform/web/browser/toasts.js';

// New Post, on every page: the navbar's button opens the dialog, or the login page when signed out.
document.addEventListener('click', (event) => {
  if (!(event.target as Element).closest('[data-action="new-post"]')) return;
  void currentUser().then((user) => {
    if (user) modal('newPostModal').show();
    else window.location.assign('/login');
  });
});

onSubmit(byId<HTMLFormElement>('newPostForm'), async (data) => {
  const title = field(data, 'title').trim();
  const post = await api<Post>('/api/posts', {
    method: 'POST',
    json: { title: title === '' ? null : title, content: field(data, 'content') },
  }).catch((error: unknown) => {
    // A token that expired while the page was open: log in again.
    if ((error as { status?: number }).status === 401) window.location.assign('/login');
    throw error;
  });
  modal('newPostModal').hide();
  flashOnNextPage('Your post is published.');
  window.location.assign(`/posts/${post.id}`);
});
