import type { Post, PostPage } from '../../posts/posts.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, formatPostDate, h } from '../../platform/web/browser/dom.js';
import { tagChips } from '../../tags/browser/tag-chips.js';

// The search page: its first results come from the server; Load More asks the API for the next ones
// (ranked results page by `skip`). Snippets are text: the matches are put in <mark> as elements.
const results = document.getElementById('searchResults');
if (results) {
  const button = byId<HTMLButtonElement>('searchMore');
  const q = results.dataset.q ?? '';
  const limit = results.dataset.limit ?? '10';
  let skip = results.dataset.nextSkip ?? '';

  button.addEventListener('click', async () => {
    if (skip === '') return;
    button.disabled = true;
    try {
      const page = await api<PostPage>(`/api/posts?q=${encodeURIComponent(q)}&skip=${skip}&limit=${limit}`);
      for (const post of page.posts) {
        if (!results.querySelector(`[data-post-id="${post.id}"]`)) results.append(result(post));
      }
      skip = page.has_more ? String(page.skip + page.posts.length) : '';
      button.textContent = 'Load More';
      button.hidden = skip === '';
    } catch {
      button.textContent = 'Error - Click to Retry';
    } finally {
      button.disabled = false;
    }
  });
}

/** The same markup as the server's `SearchResult` (src/search/search.pages.tsx). */
function result(post: Post): HTMLElement {
  const href = `/posts/${post.id}`;
  return h(
    'article',
    { class: 'card post-card search-result mb-3', 'data-post-id': post.id },
    h(
      'div',
      { class: 'card-body' },
      h(
        'p',
        { class: 'small text-body-secondary mb-1' },
        h(
          'a',
          { class: 'author-link fw-semibold', href: `/users/${post.author.id}/posts` },
          post.author.username,
        ),
        ' · ',
        h(
          'a',
          { class: 'post-date text-body-secondary', href },
          h('time', { datetime: post.date_posted }, formatPostDate(post.date_posted)),
        ),
      ),
      h(
        'h2',
        { class: 'h5 post-title' },
        h(
          'a',
          { class: 'link-body-emphasis text-decoration-none', href },
          post.title ?? `Post by ${post.author.username}`,
        ),
      ),
      tagChips(post.tags),
      h(
        'p',
        { class: 'snippet mb-0' },
        ...(post.snippet ?? []).map((part) => (part.match ? h('mark', {}, part.text) : part.text)),
      ),
    ),
  );
}
