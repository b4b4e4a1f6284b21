import { byId } from './dom.js';
import type { CurrentUser } from './session.js';

/** Shows the links of a signed-in (or signed-out) reader, with the user's name on the Account link. */
export function showSignedIn(user: CurrentUser | null): void {
  document.documentElement.setAttribute('data-session', user ? 'signed-in' : 'signed-out');
  byId('navUsername').textContent = user ? user.username : 'Account';
}
