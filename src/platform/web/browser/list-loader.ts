import { api } from './api.js';
import { byId } from './dom.js';

const LOAD_MORE = 'Load More';
const RETRY = 'Error - Click to Retry';

export interface ListLoader {
  /**
   * Loads the next page; does nothing while a load is under way or when nothing is left. Resolves to
   * whether a page came in (false after a failed load, which the button then offers to retry).
   */
  loadNext(): Promise<boolean>;
  done(): boolean;
}

/**
 * Continues a server-rendered list (`PagedList` in platform/web/components.tsx) from its
 * `data-next-cursor`: each page starts right after the last item shown, so items added meanwhile cause
 * neither duplicates nor gaps. `items` picks the list out of the API's page (`page.posts`), `render`
 * builds one item, which carries `data-id-attribute` so that an item already shown is not added twice.
 */
export function listLoader<
  Page extends { next_cursor: string | null },
  Item extends { id: number },
>(options: {
  listId: string;
  moreId: string;
  items: (page: Page) => Item[];
  render: (item: Item) => HTMLElement;
  /** The attribute that carries an item's id in the list, such as `data-post-id`. */
  idAttribute: string;
}): ListLoader {
  const list = byId(options.listId);
  const button = byId<HTMLButtonElement>(options.moreId);
  const source = list.dataset.source ?? '';
  const limit = list.dataset.limit ?? '10';
  let cursor = list.dataset.nextCursor ?? '';
  let loading = false;

  async function loadNext(): Promise<boolean> {
    if (loading || cursor === '') return false;
    loading = true;
    button.disabled = true;
    try {
      const page = await api<Page>(
        `${source}${source.includes('?') ? '&' : '?'}limit=${limit}&cursor=${encodeURIComponent(cursor)}`,
      );
      for (const item of options.items(page)) {
        if (!list.querySelector(`[${options.idAttribute}="${item.id}"]`)) list.append(options.render(item));
      }
      cursor = page.next_cursor ?? '';
      button.textContent = LOAD_MORE;
      button.classList.replace('btn-outline-danger', 'btn-outline-primary');
      button.hidden = cursor === '';
      return true;
    } catch {
      button.textContent = RETRY;
      button.classList.replace('btn-outline-primary', 'btn-outline-danger');
      return false;
    } finally {
      loading = false;
      button.disabled = false;
    }
  }

  button.addEventListener('click', () => void loadNext());
  return { loadNext, done: () => cursor === '' };
}
