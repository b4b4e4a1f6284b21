import type { PostView } from '../src/shared/api-types.js';
import { api } from './api.js';
import { byId, field, modal, onSubmit } from './dom.js';
import { currentUser, logout, type CurrentUser } from './session.js';
import { setUpThemeMenu } from './theme.js';

/** What every page does: theme menu, signed-in state in the navbar, logout, the New Post modal. */
setUpThemeMenu();

export function showSignedIn(user: CurrentUser | null): void {
  document.documentElement.setAttribute('data-session', user ? 'signed-in' : 'signed-out');
  const name = byId('navUsername');
  name.textContent = user ? user.username : 'Account';
}

currentUser()
  .then(showSignedIn)
  .catch(() => showSignedIn(null));

document.addEventListener('click', (event) => {
  const target = (event.target as Element).closest<HTMLElement>('[data-action]');
  if (target?.dataset.action === 'logout') logout();
  if (target?.dataset.action === 'new-post') {
    void currentUser().then((user) => {
      if (user) modal('newPostModal').show();
      else window.location.assign('/login');
    });
  }
});

onSubmit(byId<HTMLFormElement>('newPostForm'), async (data) => {
  const title = field(data, 'title').trim();
  const post = await api<PostView>('/api/posts', {
    method: 'POST',
    json: { title: title === '' ? null : title, content: field(data, 'content') },
  }).catch((error: unknown) => {
    // A token that expired while the page was open: log in again.
    if ((error as { status?: number }).status === 401) window.location.assign('/login');
    throw error;
  });
  modal('newPostModal').hide();
  window.location.assign(`/posts/${post.id}`);
});
