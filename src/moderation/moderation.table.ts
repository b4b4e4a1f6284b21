import { index, integer, pgTable, serial, varchar } from 'drizzle-orm/pg-core';
import { timestamptz } from '../platform/database/columns.js';
import { users } from '../users/users.table.js';
import { USERNAME_MAX_LENGTH } from '../users/limits.js';

export const MODERATION_ACTIONS = [
  'delete_post',
  'delete_comment',
  'set_role',
  'suspend',
  'restore',
] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/**
 * Every moderation action: who did what to whom, and when. Names are kept as they were, so the log
 * still reads after an account is deleted (its id then becomes null).
 */
export const moderationLog = pgTable(
  'moderation_log',
  {
    id: serial('id').primaryKey(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorName: varchar('actor_name', { length: USERNAME_MAX_LENGTH }).notNull(),
    action: varchar('action', { length: 20 }).$type<ModerationAction>().notNull(),
    targetUserId: integer('target_user_id').references(() => users.id, { onDelete: 'set null' }),
    targetName: varchar('target_name', { length: USERNAME_MAX_LENGTH }).notNull(),
    /** What was acted on, in words: `post 12 "A title"`, `role moderator`. */
    subject: varchar('subject', { length: 200 }).notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [index('moderation_log_created_idx').on(table.createdAt.desc(), table.id.desc())],
);

export type ModerationEntry = typeof moderationLog.$inferSelect;
