import { Type, type Static } from 'typebox';
import { NO_NUL_PATTERN } from '../platform/http/schemas.js';
import { TAG_MAX_LENGTH } from './limits.js';

export const TagList = Type.Object(
  {
    tags: Type.Array(
      Type.Object({
        name: Type.String(),
        posts: Type.Integer({ description: 'How many published posts carry it' }),
      }),
    ),
  },
  { title: 'TagList' },
);

export const TagListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: TAG_MAX_LENGTH,
      pattern: NO_NUL_PATTERN,
      description: 'Only tags that start with this (normalised like a tag): suggestions while typing',
    }),
  ),
});

/** A post's tags as an author writes them; normalised by the service (SPEC 13). */
export const TagsField = Type.Array(Type.String({ maxLength: 100 }), {
  maxItems: 20,
  description:
    'Up to 5 tags: trimmed, lower-cased, spaces to "-", 1-30 of a-z, 0-9 and "-"; duplicates dropped, order kept',
});

export type TagList = Static<typeof TagList>;
export type TagListQuery = Static<typeof TagListQuery>;
