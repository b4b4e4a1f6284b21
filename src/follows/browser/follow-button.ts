// The user page's counts and Follow button. The page is the same for every visitor; what depends on
// the visitor (whether they follow) comes from the API. The button changes at once and goes back if
// the request fails.
import type { FollowState } from '../follows.schemas.js';
import type { UserProfile } from '../../users/users.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { showError } from '../../platform/web/browser/dom.js';
import { currentUser } from '../../platform/web/browser/session.js';

const box = document.getElementById('followBox');
if (box) await setUp(box, Number(box.dataset.userId));

async function setUp(box: HTMLElement, userId: number): Promise<void> {
  const counts = box.querySelector<HTMLElement>('#followCounts')!;
  const button = box.querySelector<HTMLButtonElement>('#followButton')!;
  const [profile, me] = await Promise.all([
    api<UserProfile>(`/api/users/${userId}`),
    currentUser().catch(() => null),
  ]);
  let state: FollowState = { following: profile.followed, followers: profile.followers };
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const show = (shown: FollowState) => {
    counts.textContent = `${plural(shown.followers, 'follower')} · ${profile.following} following`;
    button.textContent = shown.following ? 'Following' : 'Follow';
    button.setAttribute('aria-pressed', String(shown.following));
    button.classList.toggle('btn-primary', shown.following);
    button.classList.toggle('btn-outline-primary', !shown.following);
  };
  show(state);
  if (!me || me.id === userId) return;
  button.hidden = false;
  button.addEventListener('click', () => {
    const wanted = !state.following;
    const previous = state;
    show({ following: wanted, followers: state.followers + (wanted ? 1 : -1) });
    button.disabled = true;
    api<FollowState>(`/api/users/${userId}/follow`, { method: wanted ? 'POST' : 'DELETE' })
      .then((answer) => {
        state = answer;
        show(state);
      })
      .catch((error: unknown) => {
        state = previous;
        show(state);
        showError((error as Error).message);
      })
      .finally(() => (button.disabled = false));
  });
}
