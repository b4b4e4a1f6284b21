import { InvalidFieldError } from '../platform/errors.js';
import type { PageWindow, Position } from '../platform/paging.js';
import { TAG_MAX_LENGTH, TAG_PATTERN, TAGS_PER_POST } from './limits.js';
import type { TagsRepository } from './tags.repository.js';
import type { TagList, TagListQuery } from './tags.schemas.js';

/**
 * A tag as readers and the database know it: trimmed, lower-cased, spaces (any run of white space)
 * to `-`. Undefined when what is left is not 1-30 characters of `a-z`, `0-9` and `-`.
 */
export function normaliseTag(raw: string): string | undefined {
  const name = raw.trim().toLowerCase().replace(/\s+/g, '-');
  return TAG_PATTERN.test(name) ? name : undefined;
}

/**
 * Tags: the rules of their names, a post's tags, a tag's feed (positions; the posts feature reads the
 * posts) and the list of tags most used first. Counts are kept by the database (tags.table.ts).
 */
export class TagsService {
  constructor(private readonly tags: TagsRepository) {}

  /**
   * A post's tags as written: each normalised, duplicates dropped (the first kept), the order kept;
   * InvalidFieldError (a 422 on `field`) for a name that cannot be a tag, or more than five.
   */
  normalise(raw: string[], field = 'tags'): string[] {
    const names: string[] = [];
    for (const entry of raw) {
      const name = normaliseTag(entry);
      if (name === undefined) {
        throw new InvalidFieldError(
          field,
          `"${entry.slice(0, 40)}" is not a tag: use 1-${TAG_MAX_LENGTH} letters a-z, digits or "-" (spaces become "-")`,
        );
      }
      if (!names.includes(name)) names.push(name);
    }
    if (names.length > TAGS_PER_POST) {
      throw new InvalidFieldError(field, `A post has at most ${TAGS_PER_POST} tags`);
    }
    return names;
  }

  /** One tag's name from the query (`?tag=`); InvalidFieldError when it cannot be a tag. */
  nameOf(raw: string): string {
    const name = normaliseTag(raw);
    if (name === undefined) {
      throw new InvalidFieldError(
        'tag',
        `Not a tag: use 1-${TAG_MAX_LENGTH} letters a-z, digits or "-"`,
        'query',
      );
    }
    return name;
  }

  /** The post's tags become `names` (already normalised). */
  setTags(postId: number, names: string[]): Promise<void> {
    return this.tags.replace(postId, names);
  }

  /** Each post's tags, in their author's order (an empty list for a post without). */
  async ofPosts(postIds: number[]): Promise<Map<number, string[]>> {
    return this.tags.ofPosts(postIds);
  }

  /** Where one page of a tag's published posts is, newest first, and how many it has in all. */
  async feed(name: string, window: PageWindow): Promise<{ positions: Position[]; total: number }> {
    const [positions, total] = await Promise.all([this.tags.feed(name, window), this.tags.count(name)]);
    return { positions, total };
  }

  /** How many published posts carry the tag. */
  count(name: string): Promise<number> {
    return this.tags.count(name);
  }

  /** The names of the most used tags, for the sitemap. */
  async names(limit: number): Promise<string[]> {
    return (await this.tags.list(limit)).map((tag) => tag.name);
  }

  /** Tags of published posts, most used first; `q` keeps those that start with it. */
  async list(query: TagListQuery): Promise<TagList> {
    const prefix = query.q === undefined ? undefined : normalisePrefix(query.q);
    if (prefix === '') return { tags: [] };
    return { tags: await this.tags.list(query.limit, prefix) };
  }
}

/** What a tag may start with, normalised like a tag; '' when nothing could match. */
function normalisePrefix(raw: string): string {
  const prefix = raw.trim().toLowerCase().replace(/\s+/g, '-');
  return /^[a-z0-9-]{1,30}$/.test(prefix) ? prefix : '';
}
