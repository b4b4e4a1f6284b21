import { timestamp } from 'drizzle-orm/pg-core';

/**
 * A `timestamptz` with millisecond precision, the precision of a JavaScript Date, so that a value read
 * back and sent again (a paging cursor) compares equal to the stored one.
 */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
