import { Type, type TArray, type TSchema, type TStringOptions } from 'typebox';

/**
 * PostgreSQL text cannot hold U+0000, nor (in UTF-8) a lone surrogate, so every stored string refuses
 * both at the door. Patterns run in Unicode mode, where `\uD800-\uDFFF` matches only unpaired halves.
 */
export const NO_NUL_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';

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
export const MAX_ID = 2_147_483_647;
export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });

/** Path parameters made of one id, such as `{ post_id }` for `/posts/:post_id`. */
export function IdParams<Name extends string>(name: Name) {
  return Type.Object({ [name]: Id } as { [K in Name]: typeof Id });
}

/**
 * `skip`/`limit` as the original API, and the cursor of `platform/paging`. Validation fills in the
 * defaults, so handlers always see both numbers.
 */
export function PageQuery(defaultLimit: number) {
  return Type.Object({
    skip: Type.Integer({ minimum: 0, maximum: MAX_ID, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: defaultLimit }),
    cursor: Type.Optional(
      Type.String({
        format: 'cursor',
        maxLength: 40,
        description:
          '`next_cursor` of the previous page: the page starts right after that item, even if items were added meanwhile. `skip` is ignored when it is set.',
      }),
    ),
  });
}

/** `skip`/`limit` without a cursor, for the lists the original API paged that way. */
export function OffsetQuery(defaultLimit: number) {
  return Type.Object({
    skip: Type.Integer({ minimum: 0, maximum: MAX_ID, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: defaultLimit }),
  });
}

/** One page of a list, as every list of the API answers: `{<key>: [...], total, skip, limit, has_more, next_cursor}`. */
export function Page<Key extends string, Item extends TSchema>(key: Key, item: Item, title: string) {
  return Type.Object(
    {
      ...({ [key]: Type.Array(item) } as { [K in Key]: TArray<Item> }),
      total: Type.Integer(),
      skip: Type.Integer(),
      limit: Type.Integer(),
      has_more: Type.Boolean(),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` to get the next page; null on the last page',
      }),
    },
    { title },
  );
}

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
