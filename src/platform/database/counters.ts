import { eq, sql } from 'drizzle-orm';
import { counters } from './counters.table.js';
import type { DatabaseConnection } from './database.js';
import { prepareStatements } from './prepared.js';
import { sharedRead } from './shared-read.js';

export const CONTENT_VERSION = 'content_version';

/** Reads the `counters` table, the one place that does: a total, or the content version. */
export class Counters {
  readonly statements;
  private readonly contentVersionOn: { replica: () => Promise<number>; primary: () => Promise<number> };

  constructor(private readonly connection: DatabaseConnection) {
    this.statements = prepareStatements(connection, (db, prepare) => ({
      byName: prepare(
        'counter_value',
        db
          .select({ value: counters.value })
          .from(counters)
          .where(eq(counters.name, sql.placeholder('name'))),
      ),
    }));
    // Every page and public read asks for the version first: one query serves all who ask at once.
    // Requests that may read a replica share one line, the others (writers, and clients waiting for
    // their own write) another on the primary.
    const { router } = connection;
    this.contentVersionOn = {
      replica: sharedRead(() => router.asAnyReplicaReader(() => this.value(CONTENT_VERSION))),
      primary: sharedRead(() => router.onPrimary(() => this.value(CONTENT_VERSION))),
    };
  }

  async value(name: string): Promise<number> {
    const [row] = await this.statements.read.byName.execute({ name });
    return row?.value ?? 0;
  }

  /** Grows with every change to anything a page shows (the tables declared `shownOnPages`). */
  contentVersion(): Promise<number> {
    return this.connection.router.anyReplicaWillDo()
      ? this.contentVersionOn.replica()
      : this.contentVersionOn.primary();
  }
}
