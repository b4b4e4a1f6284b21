import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../platform/database/database.js';
import { passwordResetTokens } from './reset-tokens.table.js';

/** The only code that reads or writes `password_reset_tokens`; tokens are known by their SHA-256. */
export class ResetTokensRepository {
  constructor(private readonly db: Database) {}

  /** Stores a new token for the user, replacing every older one. */
  async replace(userId: number, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId));
      await tx.insert(passwordResetTokens).values({ userId, tokenHash, expiresAt });
    });
  }

  /** Deletes the token if it exists and has not expired; returns whose it was. */
  async spend(tokenHash: string, db: Database = this.db): Promise<number | undefined> {
    const [spent] = await db
      .delete(passwordResetTokens)
      .where(and(eq(passwordResetTokens.tokenHash, tokenHash), gt(passwordResetTokens.expiresAt, sql`now()`)))
      .returning({ userId: passwordResetTokens.userId });
    return spent?.userId;
  }

  async deleteAllOf(userId: number, db: Database = this.db): Promise<void> {
    await db.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId));
  }
}
