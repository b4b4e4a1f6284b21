import { byId } from './dom.js';
import type { CurrentUser } from './session.js';

/** Shows the links of a signed-in (or signed-out) reader, with the user's name on the Account link. */
export function showSignedIn(user: CurrentUser | null): void {
  document.documentElement.setAttribute('data-session', user ? 'signed-in' : 'signed-out');
  const link = byId('navUsername');
  link.textContent = user ? user.username : 'Account';
  // A long name is cut with an ellipsis: the whole of it shows on hover.
  if (user) link.title = user.username;
  else link.removeAttribute('title');
}
