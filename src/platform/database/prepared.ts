import type { Database, DatabaseConnection } from './database.js';

/**
 * Queries built once and run many times: building a query's SQL was a quarter of the CPU time of a
 * feed request, and on PostgreSQL a named statement is parsed and planned once per connection rather
 * than once per request. Behind a pooler in transaction mode (DATABASE_PREPARED_STATEMENTS=false) the
 * statements stay unnamed, since the next execution may land on another server connection.
 */
export type Prepare = <Query extends { prepare(name: string): unknown }>(
  name: string,
  query: Query,
) => ReturnType<Query['prepare']>;

export interface Statements<T> {
  /** The statements on the primary: for writes, and for reads that must see the latest data. */
  primary: T;
  /**
   * The same statements, each run where the request may read (platform/database/read-routing.ts):
   * a replica for a read-only request, else the primary. Without replicas, `primary` itself.
   */
  read: T;
}

function preparer(connection: DatabaseConnection): Prepare {
  return (name, query) =>
    query.prepare(connection.namedStatements ? name : '') as ReturnType<(typeof query)['prepare']>;
}

/** Statements that always read the primary, such as the user behind a token. */
export function prepareOnPrimary<T extends object>(
  connection: DatabaseConnection,
  build: (db: Database, prepare: Prepare) => T,
): T {
  return build(connection.db, preparer(connection));
}

/** A repository's prepared statements: built once for the primary and once for each replica. */
export function prepareStatements<T extends object>(
  connection: DatabaseConnection,
  build: (db: Database, prepare: Prepare) => T,
): Statements<T> {
  const prepare = preparer(connection);
  const primary = build(connection.db, prepare);
  if (connection.replicas.length === 0) return { primary, read: primary };
  const onReplicas = connection.replicas.map((db) => build(db, prepare));
  return { primary, read: routed(primary, onReplicas, connection) };
}

interface Executable {
  execute(values?: Record<string, unknown>): Promise<unknown>;
}

const isExecutable = (value: unknown): value is Executable =>
  typeof (value as Executable | null)?.execute === 'function';

/** The statements' tree, each statement's `execute` sent where the router says. */
function routed<T extends object>(primary: T, replicas: T[], connection: DatabaseConnection): T {
  const tree: Record<string, unknown> = {};
  for (const [key, statement] of Object.entries(primary)) {
    const copies = replicas.map((replica) => (replica as Record<string, unknown>)[key]);
    if (isExecutable(statement)) {
      tree[key] = {
        execute: (values?: Record<string, unknown>) =>
          connection.router.read((index) =>
            (index === undefined ? statement : (copies[index] as Executable)).execute(values),
          ),
        // The plan tests and the benchmark read the statement's text: the same on every server.
        getQuery: () => statementOf(statement),
      };
    } else {
      tree[key] = routed(statement as object, copies as object[], connection);
    }
  }
  return tree as T;
}

/** The SQL text and parameters (placeholders unfilled) of a prepared query. */
export function statementOf(preparedQuery: unknown): { sql: string; params: unknown[] } {
  const query = (preparedQuery as { getQuery?: () => { sql: string; params: unknown[] } }).getQuery?.();
  if (!query) throw new TypeError('not a prepared query');
  return query;
}
