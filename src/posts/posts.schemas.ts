import { Type } from 'typebox';
import { PageQuery, StoredText } from '../http/schemas.js';
import { UserPublic } from '../users/users.schemas.js';

const Title = StoredText({ maxLength: 100 });
const Content = StoredText({ minLength: 1 });

export const Post = Type.Object(
  {
    id: Type.Integer(),
    title: Type.Union([Type.String(), Type.Null()]),
    content: Type.String(),
    user_id: Type.Integer(),
    date_posted: Type.String({ format: 'date-time' }),
    likes: Type.Integer(),
    author: UserPublic,
  },
  { title: 'Post' },
);

export const PostPage = Type.Object(
  {
    posts: Type.Array(Post),
    total: Type.Integer(),
    skip: Type.Integer(),
    limit: Type.Integer(),
    has_more: Type.Boolean(),
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` to get the next page; null on the last page',
    }),
  },
  { title: 'PostPage' },
);

/** POST and PUT: the whole post. A missing or null title means no title. */
export const PostCreate = Type.Object({
  title: Type.Optional(Type.Union([Title, Type.Null()])),
  content: Content,
});

/** PATCH: only what is sent changes; `title: null` clears the title, `content` cannot be null. */
export const PostUpdate = Type.Object({
  title: Type.Optional(Type.Union([Title, Type.Null()])),
  content: Type.Optional(Content),
});

export const LikeState = Type.Object(
  { likes: Type.Integer(), liked: Type.Boolean() },
  { title: 'LikeState' },
);

/** `skip`/`limit` as the original API, plus an optional cursor that pages without gaps or duplicates. */
export const PostPageQuery = Type.Object({
  ...PageQuery(10).properties,
  cursor: Type.Optional(
    Type.String({
      format: 'feed-cursor',
      maxLength: 40,
      description:
        '`next_cursor` of the previous page: the page starts right after that post, even if posts were written meanwhile. `skip` is ignored when it is set.',
    }),
  ),
});
