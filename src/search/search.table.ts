import { sql, type SQL } from 'drizzle-orm';
import { customType, index, integer, pgTable, text, varchar } from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { mirrored } from '../platform/database/derived.js';
import { posts, type PostStatus } from '../posts/posts.table.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const regconfig = customType<{ data: string }>({ dataType: () => 'regconfig' });

const weighted = (column: string, weight: 'A' | 'B' | 'C'): SQL =>
  sql.raw(`setweight(to_tsvector("language", coalesce("${column}", '')), '${weight}')`);

/**
 * What search reads of each post: its words as plain text (the rendered Markdown's text, never HTML)
 * and the weighted `tsvector` PostgreSQL makes of them, in the post's search language. The post's date
 * and status are copied beside them by the database (as for tags), so drafts are never found and the
 * newest matches are found without reading posts.
 */
export const postSearch = pgTable(
  'post_search',
  {
    postId: integer('post_id')
      .primaryKey()
      .references(() => posts.id, { onDelete: 'cascade' }),
    datePosted: timestamptz('date_posted').notNull().defaultNow(),
    status: varchar('status', { length: 10 }).$type<PostStatus>().notNull().default('draft'),
    /** SEARCH_LANGUAGE when the row was written: a change of the setting rewrites the rows. */
    language: regconfig('language').notNull(),
    title: text('title').notNull().default(''),
    /** The description and the tags: weighted between the title and the text. */
    summary: text('summary').notNull().default(''),
    /** The post's text, plain; snippets are cut from it. */
    body: text('body').notNull().default(''),
    // Kept by the database from the columns above: title first, then description and tags, then text.
    document: tsvector('document')
      .notNull()
      .generatedAlwaysAs(
        (): SQL => sql`${weighted('title', 'A')} || ${weighted('summary', 'B')} || ${weighted('body', 'C')}`,
      ),
  },
  (table) => [
    // Which published posts hold the words: the start of every search.
    index('post_search_document_idx').using('gin', table.document).where(sql.raw("status = 'published'")),
    // The newest published posts: a search for a very common word walks this and stops early.
    index('post_search_newest_idx')
      .on(table.datePosted.desc().nullsFirst(), table.postId.desc().nullsFirst())
      .where(sql.raw("status = 'published'")),
    // The rows in another language than SEARCH_LANGUAGE, found at each start without reading the table
    // (regconfig has no btree class of its own; its oid does).
    index('post_search_language_idx').on(sql`(${table.language}::oid)`),
  ],
);

export const postSearchMirror = mirrored({
  columns: [posts.datePosted, posts.status],
  into: postSearch,
  by: postSearch.postId,
});
