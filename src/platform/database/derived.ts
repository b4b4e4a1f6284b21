import { getTableName } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';

/**
 * Data the database keeps up to date by itself, declared beside the tables it depends on:
 *
 * - `shownOnPages(table)`: a change to the table changes the content version, from which page and API
 *   ETags are built (platform/http/page-cache.ts), so a cached page is never older than the data.
 * - `counted(...)`: a count of rows kept in a column or in a `counters` row, in the same transaction as
 *   the change, so a total is read from one row instead of counted.
 * - `versioned(...)`: a number per row that grows whenever the rows pointing at it change, so an
 *   answer built from them can be kept under it (a reader's personal feed).
 * - `mirrored(...)`: columns of a row copied into the rows that point at it, for their indexes.
 *
 * All are kept by triggers. `npm run db:generate` (scripts/db-generate.ts) finds every
 * declaration exported by a `*.table.ts` file and writes a migration for the new or changed ones, so
 * no feature writes a trigger by hand. The SQL below is that migration's text.
 */
export interface Derived {
  readonly [DERIVED]: true;
  /** Unique among declarations; names the trigger function and the triggers. */
  readonly name: string;
  /** Statements that create (or replace) it, backfilling what it keeps. */
  readonly create: string[];
  /** Statements that remove it. */
  readonly drop: string[];
}

const DERIVED = Symbol.for('fastblog.database.derived');

export function isDerived(value: unknown): value is Derived {
  return typeof value === 'object' && value !== null && DERIVED in value;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

type Event = 'insert' | 'update' | 'delete';

/**
 * Every insert, update or delete of rows of `table` bumps the content version; a statement that
 * touches no row (a refused update, say) does not. `updateOf` limits updates to those that change
 * one of these columns (a user's password change is not news to a page); it needs an `id` column.
 * `where` limits it to rows that pages show, before or after the change (not a post's draft), as SQL
 * over the table's unqualified column names.
 */
export function shownOnPages(
  table: PgTable,
  options: { on?: Event[]; updateOf?: PgColumn[]; where?: string } = {},
): Derived {
  const tableName = getTableName(table);
  const name = `${tableName}_content_version`;
  const fn = quote(name);
  const events = options.on ?? ['insert', 'update', 'delete'];
  const shown = (rows: string) => `SELECT 1 FROM ${rows}${options.where ? ` WHERE ${options.where}` : ''}`;
  const changed = options.updateOf
    ? (() => {
        const columns = options.updateOf.map((column) => quote(column.name));
        // A set difference, not a join: transition tables have no index and no statistics, and the
        // planner's nested loop over them made an update of n rows cost n² comparisons.
        return `SELECT "id", ${columns.join(', ')} FROM "added" EXCEPT SELECT "id", ${columns.join(', ')} FROM "removed"`;
      })()
    : options.where
      ? `${shown('"added"')}) OR EXISTS (${shown('"removed"')}`
      : shown('"added"');
  const bump = `UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version';`;
  return {
    [DERIVED]: true,
    name,
    create: [
      statementFunction(fn, {
        insert: `IF EXISTS (${shown('"added"')}) THEN ${bump} END IF;`,
        delete: `IF EXISTS (${shown('"removed"')}) THEN ${bump} END IF;`,
        update: `IF EXISTS (${changed}) THEN ${bump} END IF;`,
      }),
      ...events.map((event) => statementTrigger(`${name}_on_${event}`, event, tableName, fn)),
    ],
    drop: dropTriggers(name, tableName, fn),
  };
}

const TRANSITION_TABLES: Record<Event, string> = {
  insert: 'NEW TABLE AS "added"',
  delete: 'OLD TABLE AS "removed"',
  update: 'OLD TABLE AS "removed" NEW TABLE AS "added"',
};

/** The function of a statement-level trigger: what it runs after an insert, a delete or an update. */
function statementFunction(fn: string, on: Record<Event, string>): string {
  return `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${on.insert}
  ELSIF TG_OP = 'DELETE' THEN
    ${on.delete}
  ELSE
    ${on.update}
  END IF;
  RETURN NULL;
END $$;`;
}

/** A statement-level trigger that sees the rows it changed as `added` and `removed`. */
function statementTrigger(name: string, event: Event, table: string, fn: string): string {
  return `CREATE TRIGGER ${quote(name)} AFTER ${event.toUpperCase()} ON ${quote(table)}
  REFERENCING ${TRANSITION_TABLES[event]} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`;
}

function dropTriggers(name: string, table: string, fn: string): string[] {
  return [
    ...(['insert', 'delete', 'update'] as const).map(
      (event) => `DROP TRIGGER IF EXISTS ${quote(`${name}_on_${event}`)} ON ${quote(table)};`,
    ),
    `DROP FUNCTION IF EXISTS ${fn}();`,
  ];
}

export interface CountOptions {
  /** The rows counted. */
  rows: PgTable;
  /** Only rows for which this holds, as SQL over the counted table's unqualified column names. */
  where?: string;
}

export interface ColumnCountOptions extends CountOptions {
  /** Kept in this integer column of another table, one count per row... */
  into: PgColumn;
  /** ...matched by this column of the counted rows (a foreign key to the other table's `id`). */
  by: PgColumn;
  /** Set when an update can move a row to another key or in or out of `where`. */
  changesOnUpdate?: boolean;
}

export interface TotalCountOptions extends CountOptions {
  /** Kept in the `counters` row of this name. */
  total: string;
  changesOnUpdate?: boolean;
}

/**
 * A count of `rows` kept by triggers: per row of another table (`into` + `by`, such as a user's number
 * of posts) or as one total (`total`, a row of `counters`). Creating the declaration counts the rows
 * that exist, so it can be added to a table that already holds data.
 */
export function counted(options: ColumnCountOptions | TotalCountOptions): Derived {
  const source = getTableName(options.rows);
  const where = options.where ? ` WHERE ${options.where}` : '';
  const name =
    'total' in options ? `${options.total}_total` : `${tableOf(options.into)}_${options.into.name}`;
  const fn = quote(`${name}_count`);

  let change: (rows: string, sign: '+' | '-') => string;
  let net: string;
  let backfill: string[];
  if ('total' in options) {
    const row = `'${options.total.replaceAll("'", "''")}'`;
    // A statement that moves nothing (a like on a post, a draft saved) leaves the shared row unlocked.
    const add = (n: string) =>
      `UPDATE "counters" SET "value" = "value" + "change"."n" FROM (SELECT ${n} AS "n") AS "change"
      WHERE "name" = ${row} AND "change"."n" <> 0;`;
    change = (rows, sign) => add(`${sign === '-' ? '-' : ''}(SELECT count(*) FROM ${rows}${where})`);
    net = add(`(SELECT count(*) FROM "added"${where}) - (SELECT count(*) FROM "removed"${where})`);
    backfill = [
      `INSERT INTO "counters" ("name", "value") SELECT ${row}, count(*) FROM ${quote(source)}${where}
  ON CONFLICT ("name") DO UPDATE SET "value" = EXCLUDED."value";`,
    ];
  } else {
    const target = quote(tableOf(options.into));
    const column = quote(options.into.name);
    const key = quote(options.by.name);
    change = (rows, sign) =>
      `UPDATE ${target} SET ${column} = ${target}.${column} ${sign} "change"."n"
      FROM (SELECT ${key} AS "key", count(*) AS "n" FROM ${rows}${where} GROUP BY ${key}) AS "change"
      WHERE ${target}."id" = "change"."key";`;
    net = `UPDATE ${target} SET ${column} = ${target}.${column} + "change"."n"
      FROM (SELECT "key", sum("n") AS "n" FROM (
          SELECT ${key} AS "key", 1 AS "n" FROM "added"${where}
          UNION ALL SELECT ${key}, -1 FROM "removed"${where}) AS "moved"
        GROUP BY "key" HAVING sum("n") <> 0) AS "change"
      WHERE ${target}."id" = "change"."key";`;
    // Writes only the rows whose count is wrong, so a backfill on a large table stays cheap.
    backfill = [
      `UPDATE ${target} SET ${column} = "fresh"."n"
  FROM (SELECT ${target}."id", coalesce("counts"."n", 0) AS "n" FROM ${target}
    LEFT JOIN (SELECT ${key} AS "key", count(*) AS "n" FROM ${quote(source)}${where} GROUP BY ${key}) AS "counts"
    ON "counts"."key" = ${target}."id") AS "fresh"
  WHERE ${target}."id" = "fresh"."id" AND ${target}.${column} <> "fresh"."n";`,
    ];
  }

  const events: Event[] = options.changesOnUpdate ? ['insert', 'delete', 'update'] : ['insert', 'delete'];

  return {
    [DERIVED]: true,
    name,
    create: [
      statementFunction(fn, {
        insert: change('"added"', '+'),
        delete: change('"removed"', '-'),
        update: net,
      }),
      ...events.map((event) => statementTrigger(`${name}_on_${event}`, event, source, fn)),
      ...backfill,
    ],
    drop: dropTriggers(name, source, fn),
  };
}

export interface VersionOptions {
  /** The rows whose changes are counted... */
  rows: PgTable;
  /** ...into this integer column of another table, one version per row... */
  into: PgColumn;
  /** ...matched by this column of the changed rows (a foreign key to the other table's `id`). */
  by: PgColumn;
}

/**
 * A version per row of another table that grows with every statement inserting, deleting or moving
 * rows that point at it (whom a reader follows), whatever the net count: an answer kept under it is known stale
 * as soon as the rows change, on every instance, from the row alone.
 */
export function versioned(options: VersionOptions): Derived {
  const source = getTableName(options.rows);
  const target = quote(tableOf(options.into));
  const column = quote(options.into.name);
  const key = quote(options.by.name);
  const name = `${tableOf(options.into)}_${options.into.name}`;
  const fn = quote(`${name}_bump`);
  const bump = (rows: string) =>
    `UPDATE ${target} SET ${column} = ${target}.${column} + 1
      WHERE ${target}."id" IN (SELECT ${key} FROM ${rows});`;
  return {
    [DERIVED]: true,
    name,
    create: [
      statementFunction(fn, {
        insert: bump('"added"'),
        delete: bump('"removed"'),
        update: bump('(SELECT * FROM "added" UNION ALL SELECT * FROM "removed") AS "moved"'),
      }),
      ...(['insert', 'delete', 'update'] as const).map((event) =>
        statementTrigger(`${name}_on_${event}`, event, source, fn),
      ),
    ],
    drop: dropTriggers(name, source, fn),
  };
}

function tableOf(column: PgColumn): string {
  return getTableConfig(column.table).name;
}

export interface MirrorOptions {
  /** The columns copied, of the table whose rows own the copies (`posts`); it needs an `id` column. */
  columns: PgColumn[];
  /** The rows that keep a copy (a tag link beside its post); their columns have the same names... */
  into: PgTable;
  /** ...and this one holds the owner's `id` (a foreign key). */
  by: PgColumn;
}

/**
 * Columns of a row copied into the rows that point at it, so that an index of those rows can hold
 * them (a tag's feed ordered by the post's date, for published posts only) without a join. A new row
 * takes the owner's values as it is inserted, whatever the insert says (the owner is locked for
 * share meanwhile, so a concurrent change of the owner is waited for, not missed); an update of the
 * owner that changes one of them changes every copy, in the same statement.
 */
export function mirrored(options: MirrorOptions): Derived {
  const first = options.columns[0];
  if (!first) throw new Error('mirrored() needs at least one column');
  const owner = tableOf(first);
  const copies = getTableName(options.into);
  const name = `${copies}_mirror_${owner}`;
  const columns = options.columns.map((column) => quote(column.name));
  const key = quote(options.by.name);
  const pick = (alias: string) => columns.map((column) => `${alias}.${column}`).join(', ');
  const fill = quote(`${name}_fill`);
  const follow = quote(`${name}_follow`);
  const set = (alias: string) => columns.map((column) => `${column} = ${alias}.${column}`).join(', ');
  return {
    [DERIVED]: true,
    name,
    create: [
      `CREATE OR REPLACE FUNCTION ${fill}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT ${columns.join(', ')} INTO ${columns.map((column) => `NEW.${column}`).join(', ')}
    FROM ${quote(owner)} WHERE "id" = NEW.${key} FOR SHARE;
  RETURN NEW;
END $$;`,
      `CREATE TRIGGER ${quote(`${name}_on_insert`)} BEFORE INSERT ON ${quote(copies)}
  FOR EACH ROW EXECUTE FUNCTION ${fill}();`,
      `CREATE OR REPLACE FUNCTION ${follow}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The changed rows by a set difference (see shownOnPages), then the copies by their index.
  UPDATE ${quote(copies)} SET ${set('"a"')}
    FROM (SELECT "id", ${columns.join(', ')} FROM "added"
          EXCEPT SELECT "id", ${columns.join(', ')} FROM "removed") AS "a"
    WHERE ${quote(copies)}.${key} = "a"."id";
  RETURN NULL;
END $$;`,
      statementTrigger(`${name}_on_update`, 'update', owner, follow),
      // Rows that exist already take their owner's values.
      `UPDATE ${quote(copies)} SET ${set('"o"')} FROM ${quote(owner)} AS "o"
  WHERE ${quote(copies)}.${key} = "o"."id" AND (${pick(quote(copies))}) IS DISTINCT FROM (${pick('"o"')});`,
    ],
    drop: [
      `DROP TRIGGER IF EXISTS ${quote(`${name}_on_insert`)} ON ${quote(copies)};`,
      `DROP TRIGGER IF EXISTS ${quote(`${name}_on_update`)} ON ${quote(owner)};`,
      `DROP FUNCTION IF EXISTS ${fill}();`,
      `DROP FUNCTION IF EXISTS ${follow}();`,
    ],
  };
}
