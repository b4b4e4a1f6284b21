import { desc } from 'drizzle-orm';
import type { Database } from '../platform/database/database.js';
import { moderationLog, type ModerationEntry } from './moderation.table.js';

export type NewModerationEntry = Omit<ModerationEntry, 'id' | 'createdAt'>;

/** The only code that reads or writes `moderation_log`. */
export class ModerationRepository {
  constructor(private readonly db: Database) {}

  /** `db` joins the transaction of the action recorded. */
  async insert(entry: NewModerationEntry, db: Database = this.db): Promise<void> {
    await db.insert(moderationLog).values(entry);
  }

  /** Newest first. */
  page(skip: number, limit: number): Promise<ModerationEntry[]> {
    return this.db
      .select()
      .from(moderationLog)
      .orderBy(desc(moderationLog.createdAt), desc(moderationLog.id))
      .offset(skip)
      .limit(limit);
  }

  count(): Promise<number> {
    return this.db.$count(moderationLog);
  }
}
