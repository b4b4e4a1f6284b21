import { h } from '../../platform/web/browser/dom.js';

/** The same markup as the server's `TagChips` (src/tags/tag-chips.tsx), built as DOM; null without tags. */
export function tagChips(tags: string[]): HTMLElement | null {
  if (tags.length === 0) return null;
  return h(
    'ul',
    { class: 'tag-chips list-inline mb-1', 'aria-label': 'Tags' },
    ...tags.map((tag) =>
      h(
        'li',
        { class: 'list-inline-item' },
        h(
          'a',
          {
            class: 'badge rounded-pill text-bg-light border text-decoration-none',
            href: `/tags/${encodeURIComponent(tag)}`,
          },
          `#${tag}`,
        ),
      ),
    ),
  );
}
