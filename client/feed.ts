import type { PostPageView } from '../src/shared/api-types.js';
import { api } from './api.js';
import { byId } from './dom.js';
import { postCard } from './post-card.js';

const LOAD_MORE = 'Load More';
const RETRY = 'Error - Click to Retry';

/**
 * Continues a server-rendered list of posts (`#postList`) from its `data-next-cursor`: each page starts
 * right after the last post shown, so posts written meanwhile cause neither duplicates nor gaps.
 * Returns `loadNext`, which does nothing while a load is under way or when nothing is left.
 */
export function feedLoader(): { loadNext: () => Promise<void>; done: () => boolean } {
  const list = byId('postList');
  const button = byId<HTMLButtonElement>('loadMore');
  const source = list.dataset.source ?? '/api/posts';
  const limit = list.dataset.limit ?? '10';
  let cursor = list.dataset.nextCursor ?? '';
  let loading = false;

  async function loadNext(): Promise<void> {
    if (loading || cursor === '') return;
    loading = true;
    button.disabled = true;
    try {
      const page = await api<PostPageView>(`${source}?limit=${limit}&cursor=${encodeURIComponent(cursor)}`);
      for (const post of page.posts) {
        if (!list.querySelector(`[data-post-id="${post.id}"]`)) list.append(postCard(post));
      }
      cursor = page.next_cursor ?? '';
      button.textContent = LOAD_MORE;
      button.classList.replace('btn-outline-danger', 'btn-outline-primary');
      button.hidden = cursor === '';
    } catch {
      button.textContent = RETRY;
      button.classList.replace('btn-outline-primary', 'btn-outline-danger');
    } finally {
      loading = false;
      button.disabled = false;
    }
  }

  button.addEventListener('click', () => void loadNext());
  return { loadNext, done: () => cursor === '' };
}
