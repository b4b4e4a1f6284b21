import { showSignedIn } from './navbar.js';
import { currentUser, logout } from './session.js';
import { setUpModalFocus } from './modal-focus.js';
import { setUpThemeMenu } from './theme.js';
import { showFlash } from './toasts.js';

// What every page does: the theme menu, the signed-in state in the navbar, logging out, focus in
// dialogs, and the confirmation left by the previous page.
setUpThemeMenu();
setUpModalFocus();
showFlash();

currentUser()
  .then(showSignedIn)
  .catch(() => showSignedIn(null));

document.addEventListener('click', (event) => {
  const target = (event.target as Element).closest<HTMLElement>('[data-action="logout"]');
  if (target) logout();
});
