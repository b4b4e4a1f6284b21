import { Type, type Static } from 'typebox';
import { Page, PageQuery, StoredText } from '../platform/http/schemas.js';
import { UserPublic } from '../users/users.schemas.js';
import { TITLE_MAX_LENGTH } from './limits.js';

const Title = StoredText({ maxLength: TITLE_MAX_LENGTH });
const Content = StoredText({ minLength: 1 });

export const Post = Type.Object(
  {
    id: Type.Integer(),
    title: Type.Union([Type.String(), Type.Null()]),
    content: Type.String(),
    user_id: Type.Integer(),
    date_posted: Type.String({ format: 'date-time' }),
    likes: Type.Integer(),
    comments: Type.Integer({ description: 'Number of comments' }),
    author: UserPublic,
  },
  { title: 'Post' },
);

export const PostPage = Page('posts', Post, 'PostPage');

/** `skip`/`limit` as the original API, plus the cursor that pages without gaps or duplicates. */
export const PostPageQuery = PageQuery(10);

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

export type Post = Static<typeof Post>;
export type PostPage = Static<typeof PostPage>;
export type PostCreate = Static<typeof PostCreate>;
export type PostUpdate = Static<typeof PostUpdate>;
export type LikeState = Static<typeof LikeState>;
