import { showSignedIn } from './navbar.js';
import { currentUser, logout } from './session.js';
import { setUpThemeMenu } from './theme.js';

// What every page does: the theme menu, the signed-in state in the navbar, and logging out.
setUpThemeMenu();

currentUser()
  .then(showSignedIn)
  .catch(() => showSignedIn(null));

document.addEventListener('click', (event) => {
  const target = (event.target as Element).closest<HTMLElement>('[data-action="logout"]');
  if (target) logout();
});
