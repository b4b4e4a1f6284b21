/**
 * What a service throws when a rule of the domain says no. Services never speak HTTP: one mapper
 * (`platform/http/errors.ts`) turns each kind into its status, so a second API face (or a CLI) can map
 * the same errors its own way. The message is the one the caller reads.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
}

export type DomainErrorKind =
  | 'not-found'
  | 'forbidden'
  | 'conflict'
  | 'invalid'
  | 'invalid-field'
  | 'unauthenticated'
  | 'rate-limited'
  | 'failed';

/** One field of the request is well formed but cannot be taken (a publication time in the past). */
export class InvalidFieldError extends DomainError {
  readonly kind = 'invalid-field';
  constructor(
    /** The field's name in the request's body. */
    readonly field: string,
    message: string,
    /** Where the field was sent: the body, or the query string. */
    readonly location: 'body' | 'query' = 'body',
  ) {
    super(message);
  }
}

/** The thing named does not exist, or is not visible to the caller. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

/** The caller is known but may not do this to that thing. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** A name or address that must be unique is taken. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** The request is well formed but breaks a rule: a wrong current password, an expired token. */
export class InvalidError extends DomainError {
  readonly kind = 'invalid';
}

/** The credentials are wrong or missing. */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
}

/** Too many attempts; the caller may try again after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  readonly kind = 'rate-limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** An outside service failed (storage, say) and the message tells the caller what to do. */
export class FailedError extends DomainError {
  readonly kind = 'failed';
}
