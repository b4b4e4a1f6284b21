import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { counted, mirrored, shownOnPages } from '../platform/database/derived.js';
import { posts, type PostStatus } from '../posts/posts.table.js';
import { TAG_MAX_LENGTH } from './limits.js';

/** A link readers see: one of a published post. As SQL for the triggers and partial indexes. */
const PUBLISHED = "status = 'published'";

export const tags = pgTable(
  'tags',
  {
    id: serial('id').primaryKey(),
    /** Normalised (tags.service.ts): `a-z`, `0-9` and `-`. */
    name: varchar('name', { length: TAG_MAX_LENGTH }).notNull(),
    /** How many published posts carry it; kept by the counter below. */
    posts: integer('posts').notNull().default(0),
  },
  (table) => [
    // One row a name; `varchar_pattern_ops` lets a prefix (`LIKE 'jav%'`, the editor's suggestions) use it.
    uniqueIndex('tags_name_idx').on(table.name.op('varchar_pattern_ops')),
    // The most used first, for GET /api/tags: a walk of this index, never a sort of every tag.
    index('tags_popular_idx')
      .on(table.posts.desc().nullsFirst(), table.name)
      .where(sql`${table.posts} > 0`),
  ],
);

/**
 * A post's tags, in the order the author wrote them. The post's date and status are copied beside the
 * link (kept by the database: `postTagsMirror` below), so a tag's feed is one walk of one index, at
 * any depth, and never reads a post it will not show.
 */
export const postTags = pgTable(
  'post_tags',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    /** Where the author put it, from 0. */
    position: smallint('position').notNull(),
    // Copies of the post's columns: whatever an insert says, the trigger writes the post's values.
    datePosted: timestamptz('date_posted').notNull().defaultNow(),
    status: varchar('status', { length: 10 }).$type<PostStatus>().notNull().default('draft'),
  },
  (table) => [
    primaryKey({ columns: [table.postId, table.tagId] }),
    // A tag's feed, newest first, the post id breaking ties: page 1 and a cursor at depth read only this.
    index('post_tags_feed_idx')
      .on(table.tagId, table.datePosted.desc().nullsFirst(), table.postId.desc().nullsFirst())
      .where(sql.raw(PUBLISHED)),
  ],
);

export type TagRow = typeof tags.$inferSelect;

export const postTagsMirror = mirrored({
  columns: [posts.datePosted, posts.status],
  into: postTags,
  by: postTags.postId,
});
export const postsPerTag = counted({
  rows: postTags,
  into: tags.posts,
  by: postTags.tagId,
  where: PUBLISHED,
  changesOnUpdate: true,
});
// A published post's tags are shown on its card and page; a draft's are nobody's news.
export const postTagsOnPages = shownOnPages(postTags, { where: PUBLISHED });
