import { eq, sql } from 'drizzle-orm';
import { counters } from './counters.table.js';
import type { DatabaseConnection } from './database.js';
import { prepareStatements } from './prepared.js';

export const CONTENT_VERSION = 'content_version';

/** Reads the `counters` table, the one place that does: a total, or the content version. */
export class Counters {
  readonly statements;

  constructor(connection: DatabaseConnection) {
    this.statements = prepareStatements(connection, (db, prepare) => ({
      byName: prepare(
        'counter_value',
        db
          .select({ value: counters.value })
          .from(counters)
          .where(eq(counters.name, sql.placeholder('name'))),
      ),
    }));
  }

  async value(name: string): Promise<number> {
    const [row] = await this.statements.read.byName.execute({ name });
    return row?.value ?? 0;
  }

  /** Grows with every change to anything a page shows (the tables declared `shownOnPages`). */
  contentVersion(): Promise<number> {
    return this.value(CONTENT_VERSION);
  }
}
