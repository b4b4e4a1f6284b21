import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Numbers kept by triggers in the same transaction as the change that moves them (see derived.ts):
 * totals such as the number of posts, and `content_version`, which grows with every change to
 * anything a page shows.
 */
export const counters = pgTable('counters', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
});
