// The navbar's Admin link, shown to admins only (the navbar is the same for every visitor).
import type { UserPrivate } from '../../users/users.schemas.js';
import { currentUser } from '../../platform/web/browser/session.js';

const link = document.getElementById('navAdmin');
if (link) {
  const reader = await currentUser<UserPrivate>().catch(() => null);
  link.hidden = reader?.role !== 'admin';
}
