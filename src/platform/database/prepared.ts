/**
 * A query built once and run many times: building a query's SQL was a quarter of the CPU time of a
 * feed request, and on PostgreSQL a named statement is parsed and planned once per connection rather
 * than once per request. Repositories prepare their hot reads with this; `EXPLAIN` tests read the
 * statements back through `statementOf`.
 */
export function prepared<Query extends { prepare(name: string): Prepared }, Prepared>(
  name: string,
  query: Query,
): ReturnType<Query['prepare']> {
  return query.prepare(name) as ReturnType<Query['prepare']>;
}

/** The SQL text and parameters (placeholders unfilled) of a prepared query. */
export function statementOf(preparedQuery: unknown): { sql: string; params: unknown[] } {
  const query = (preparedQuery as { getQuery?: () => { sql: string; params: unknown[] } }).getQuery?.();
  if (!query) throw new TypeError('not a prepared query');
  return query;
}
