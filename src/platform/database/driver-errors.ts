import { DrizzleQueryError } from 'drizzle-orm/errors';

interface DriverError {
  code?: unknown;
  constraint?: unknown;
}

/**
 * The driver's own error behind Drizzle's wrapper; `pg` and PGlite shape it alike. The wrapper's message
 * lists the query's parameters, so it is never the one to log.
 */
export function driverError(error: unknown): unknown {
  return error instanceof DrizzleQueryError ? error.cause : error;
}

function driverFields(error: unknown): DriverError {
  const cause = driverError(error);
  return typeof cause === 'object' && cause !== null ? cause : {};
}

/** The name of the unique index or constraint that refused a write, if that is what happened. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  const { code, constraint } = driverFields(error);
  return code === '23505' && typeof constraint === 'string' ? constraint : undefined;
}

export function isForeignKeyViolation(error: unknown): boolean {
  return driverFields(error).code === '23503';
}

// Connection-level failures: the server is down, restarting, refusing connections or unreachable.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|connect ECONNREFUSED/i;

/** True when a query failed because the database cannot be reached, not because of the query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = driverError(error);
  if (typeof cause !== 'object' || cause === null) return false;
  const { code, message } = cause as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}
