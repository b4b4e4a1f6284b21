import { api } from '../../platform/web/browser/api.js';
import { byId, field, onSubmit } from '../../platform/web/browser/dom.js';
import { storeToken } from '../../platform/web/browser/session.js';

onSubmit(byId<HTMLFormElement>('loginForm'), async (data) => {
  const form = new URLSearchParams({ username: field(data, 'username'), password: field(data, 'password') });
  const { access_token } = await api<{ access_token: string }>('/api/users/token', { method: 'POST', form });
  storeToken(access_token);
  window.location.assign(nextPage());
});

/** Where the visitor was sent from (`?next=/editor/12`): a path on this site, never another site. */
function nextPage(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '';
  return /^\/(?![/\\])/.test(next) ? next : '/';
}
