import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** A Drizzle database on either driver (pg or PGlite): what repositories are given. */
export type Database = PgDatabase<PgQueryResultHKT>;
