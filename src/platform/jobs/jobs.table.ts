import { index, integer, jsonb, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../database/columns.js';

/**
 * Work to do after a request has been answered, such as sending a reset mail. Durable: a row stays until
 * its work is done, so a restart loses nothing; several instances share it by leasing rows.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    runAt: timestamptz('run_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [index('jobs_run_at_idx').on(table.runAt)],
);
