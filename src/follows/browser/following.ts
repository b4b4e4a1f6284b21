// The Following tab: the personal feed's first page from the API (the page itself is the same for
// every visitor), then Load More from its cursor; when it is empty, people to follow.
import type { Post, PostPage } from '../../posts/posts.schemas.js';
import type { UserPublic } from '../../users/users.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, h, smallAvatar, showError } from '../../platform/web/browser/dom.js';
import { listLoader } from '../../platform/web/browser/list-loader.js';
import { currentUser } from '../../platform/web/browser/session.js';
import { showToast } from '../../platform/web/browser/toasts.js';
import { postCard } from '../../posts/browser/post-card.js';
import { followButton } from './follow-button.js';

const list = byId('postList');
const more = byId<HTMLButtonElement>('loadMore');
let continued = false;

/** Shows the feed's first page; Load More continues it from its cursor once it has posts. */
async function showFeed(): Promise<PostPage> {
  const page = await api<PostPage>(`/api/feed?limit=${list.dataset.limit ?? '10'}`);
  list.replaceChildren(...page.posts.map(postCard));
  byId('emptyState').hidden = page.posts.length > 0;
  byId('followingLoading').hidden = true;
  if (!continued && page.posts.length > 0) {
    list.dataset.nextCursor = page.next_cursor ?? '';
    more.hidden = page.next_cursor === null;
    listLoader<PostPage, Post>({
      listId: 'postList',
      moreId: 'loadMore',
      items: (next) => next.posts,
      render: postCard,
      idAttribute: 'data-post-id',
    });
    continued = true;
  }
  return page;
}

function suggestion(user: UserPublic): HTMLElement {
  const nameId = `suggestion-${user.id}`;
  const follow = followButton(user.id, nameId, (state) => {
    showToast(state.following ? `You follow ${user.username}.` : `You no longer follow ${user.username}.`);
    // Their posts show at once while the feed was empty; later ones join it on the next visit.
    if (!continued) void showFeed().catch(() => undefined);
  });
  return h(
    'li',
    { class: 'list-group-item d-flex align-items-center gap-3 suggestion', 'data-user-id': user.id },
    smallAvatar(user.image_path),
    h(
      'div',
      { class: 'min-w-0 flex-grow-1' },
      h(
        'a',
        { class: 'author-link fw-semibold text-break', id: nameId, href: `/users/${user.id}/posts` },
        user.username,
      ),
      user.bio ? h('p', { class: 'small text-body-secondary mb-0 text-break' }, user.bio) : null,
    ),
    follow,
  );
}

async function showSuggestions(): Promise<void> {
  const people = await api<UserPublic[]>('/api/feed/suggestions');
  byId('suggestionList').replaceChildren(...people.map(suggestion));
  byId('suggestionsEmpty').hidden = people.length > 0;
  byId('suggestions').hidden = false;
}

const user = await currentUser().catch(() => null);
if (!user) {
  window.location.assign('/login?next=/following');
} else {
  try {
    const page = await showFeed();
    if (page.posts.length === 0) await showSuggestions();
  } catch (error) {
    byId('followingLoading').hidden = true;
    showError(error instanceof Error ? error.message : String(error));
  }
}
