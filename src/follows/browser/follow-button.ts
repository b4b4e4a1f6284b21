// Follow buttons. The pages are the same for every visitor; what depends on the visitor (whether they
// follow) comes from the API. A button changes at once and goes back if the request fails. The user
// page has one (`#followBox`, set up here); the Following tab's suggestions make theirs with
// `followButton()`.
import type { FollowState } from '../follows.schemas.js';
import type { UserProfile } from '../../users/users.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { h, showError } from '../../platform/web/browser/dom.js';
import { currentUser } from '../../platform/web/browser/session.js';

const box = document.getElementById('followBox');
if (box) await setUpUserPage(box, Number(box.dataset.userId));

async function setUpUserPage(box: HTMLElement, userId: number): Promise<void> {
  const counts = box.querySelector<HTMLElement>('#followCounts')!;
  const button = box.querySelector<HTMLButtonElement>('#followButton')!;
  const [profile, me] = await Promise.all([
    api<UserProfile>(`/api/users/${userId}`),
    currentUser().catch(() => null),
  ]);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const showCounts = (shown: FollowState) =>
    (counts.textContent = `${plural(shown.followers, 'follower')} · ${profile.following} following`);
  const initial: FollowState = { following: profile.followed, followers: profile.followers };
  showCounts(initial);
  showState(button, initial.following);
  if (!me || me.id === userId) return;
  button.hidden = false;
  wire(button, userId, initial, showCounts);
}

/**
 * A Follow button for `userId`, not followed yet, described for screen readers by the element
 * `describedBy` (the person's name); `onChange` hears each confirmed change.
 */
export function followButton(
  userId: number,
  describedBy: string,
  onChange: (state: FollowState) => void = () => undefined,
): HTMLButtonElement {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-sm btn-outline-primary follow-button flex-shrink-0 text-nowrap',
      'aria-pressed': 'false',
      'aria-describedby': describedBy,
      'data-user-id': userId,
    },
    'Follow',
  );
  wire(button, userId, { following: false, followers: 0 }, () => undefined, onChange);
  return button;
}

function showState(button: HTMLButtonElement, following: boolean): void {
  button.textContent = following ? 'Following' : 'Follow';
  button.setAttribute('aria-pressed', String(following));
  button.classList.toggle('btn-primary', following);
  button.classList.toggle('btn-outline-primary', !following);
}

/** Follows or unfollows on each click: shown at once (`show`), put back if the request fails. */
function wire(
  button: HTMLButtonElement,
  userId: number,
  initial: FollowState,
  show: (state: FollowState) => void,
  onChange: (state: FollowState) => void = () => undefined,
): void {
  let state = initial;
  const display = (shown: FollowState) => {
    showState(button, shown.following);
    show(shown);
  };
  button.addEventListener('click', () => {
    const wanted = !state.following;
    const previous = state;
    display({ following: wanted, followers: state.followers + (wanted ? 1 : -1) });
    button.disabled = true;
    api<FollowState>(`/api/users/${userId}/follow`, { method: wanted ? 'POST' : 'DELETE' })
      .then((answer) => {
        state = answer;
        display(state);
        onChange(state);
      })
      .catch((error: unknown) => {
        state = previous;
        display(state);
        showError((error as Error).message);
      })
      .finally(() => (button.disabled = false));
  });
}
