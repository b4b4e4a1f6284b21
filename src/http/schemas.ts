import { Type, type TSchema, type TStringOptions } from 'typebox';
import { NO_NUL_PATTERN } from './validation.js';

/** A string that will be stored: PostgreSQL refuses U+0000, so it is refused here with a 422. */
export const StoredText = (options: TStringOptions = {}) =>
  Type.String({ ...options, pattern: NO_NUL_PATTERN });

export const ErrorResponse = Type.Object({ detail: Type.String() }, { description: 'An error' });

export const ValidationErrorResponse = Type.Object(
  {
    detail: Type.Array(
      Type.Object({
        type: Type.String(),
        loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
        msg: Type.String(),
      }),
    ),
  },
  { description: 'Validation error (FastAPI shape)' },
);

// Starlette's words for a body it cannot parse, which FastAPI clients already know.
export const UNPARSABLE_BODY = 'There was an error parsing the body';

export const MessageResponse = Type.Object({ message: Type.String() });

// Ids are PostgreSQL `integer` columns: anything larger cannot name a row.
const MAX_ID = 2_147_483_647;
export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });
export const UserIdParams = Type.Object({ user_id: Id });
export const PostIdParams = Type.Object({ post_id: Id });

export const PageQuery = (defaultLimit: number) =>
  Type.Object({
    skip: Type.Integer({ minimum: 0, maximum: MAX_ID, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: defaultLimit }),
  });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  413: 'Body too large',
  429: 'Too many requests',
  500: 'Server error',
};

/** Response schemas for the error statuses a route can answer with; every route can answer 422. */
export function errors<Status extends number>(
  ...statuses: Status[]
): Record<Status, typeof ErrorResponse> & { 422: typeof ValidationErrorResponse } {
  const responses: Record<number, TSchema> = { 422: ValidationErrorResponse };
  for (const status of statuses) {
    responses[status] = Type.Object(
      { detail: Type.String() },
      { description: ERROR_DESCRIPTIONS[status] ?? 'Error' },
    );
  }
  return responses as Record<Status, typeof ErrorResponse> & { 422: typeof ValidationErrorResponse };
}

/** The OpenAPI security requirement of routes that need a bearer token. */
export const bearerAuth = [{ OAuth2PasswordBearer: [] }];
