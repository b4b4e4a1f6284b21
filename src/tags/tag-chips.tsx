/** A post's tags as links to their pages. `browser/tag-chips.ts` builds the same markup in the browser. */
export function TagChips({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <></>;
  return (
    <ul class="tag-chips list-inline mb-1" aria-label="Tags">
      {tags.map((tag) => (
        <li class="list-inline-item">
          <a class="badge rounded-pill text-bg-light border text-decoration-none" href={tagHref(tag)} safe>
            {`#${tag}`}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** A tag's page (names are `a-z`, `0-9` and `-`: nothing to encode, but encoded all the same). */
export const tagHref = (tag: string) => `/tags/${encodeURIComponent(tag)}`;
