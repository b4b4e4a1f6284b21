import type { Post, PostPage } from '../posts.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, formatLocalTime, formatPostDate, h, showError } from '../../platform/web/browser/dom.js';
import { currentUser } from '../../platform/web/browser/session.js';

// My drafts: the signed-in author's drafts and scheduled posts, each opening in the editor.
const PAGE_SIZE = 20;

function draftItem(post: Post): HTMLElement {
  const when =
    post.status === 'scheduled' && post.publish_at
      ? `Publishes ${formatLocalTime(post.publish_at)}`
      : `Started ${formatPostDate(post.date_posted)}`;
  return h(
    'li',
    { class: 'list-group-item draft-item', 'data-post-id': post.id },
    h(
      'a',
      { class: 'fw-semibold stretched-link text-break', href: `/editor/${post.id}` },
      post.title ?? 'Untitled',
    ),
    h('p', { class: 'small mb-1 text-break' }, post.excerpt),
    h('p', { class: 'small text-body-secondary mb-0' }, when),
  );
}

/** One list of My drafts: its first page, then Load More from the cursor. */
function showList(status: 'draft' | 'scheduled'): Promise<void> {
  const list = byId(`${status}List`);
  const more = byId<HTMLButtonElement>(`${status}More`);
  let cursor = '';
  const load = async () => {
    more.disabled = true;
    try {
      const query = new URLSearchParams({ status, limit: String(PAGE_SIZE) });
      if (cursor) query.set('cursor', cursor);
      const page = await api<PostPage>(`/api/users/me/posts?${query}`);
      list.append(...page.posts.map(draftItem));
      cursor = page.next_cursor ?? '';
      more.hidden = cursor === '';
      byId(`${status}Empty`).hidden = list.childElementCount > 0;
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => void load().catch((error: unknown) => showError(String(error))));
  return load();
}

const user = await currentUser().catch(() => null);
if (!user) {
  window.location.assign('/login?next=/drafts');
} else {
  await Promise.all([showList('draft'), showList('scheduled')]).catch((error: unknown) =>
    showError(error instanceof Error ? error.message : String(error)),
  );
  byId('drafts').hidden = false;
}
