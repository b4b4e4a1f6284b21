import { Type, type Static, type TSchema } from 'typebox';
import { NewPassword } from '../auth/auth.schemas.js';
import { COMMENT_MAX_LENGTH } from '../comments/limits.js';
import { StoredText } from '../platform/http/schemas.js';
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from '../posts/limits.js';
import { TagsField } from '../tags/tags.schemas.js';
import { Bio, Email, Username } from '../users/users.schemas.js';

// The shapes of the RealWorld specification (`../shared/conduit/openapi.yml`), with the limits of the
// blog's own fields: a title, a bio or a comment is the same column whichever API writes it.

/** `{ "<key>": <item> }`: RealWorld wraps every body and answer in one named member. */
const wrapped = <Key extends string, Item extends TSchema>(key: Key, item: Item, title?: string) =>
  Type.Object({ [key]: item } as { [K in Key]: Item }, title === undefined ? {} : { title });

export const Profile = Type.Object(
  {
    username: Type.String(),
    bio: Type.Union([Type.String(), Type.Null()]),
    image: Type.String({ description: 'Absolute URL of the profile picture (or of the default one)' }),
    following: Type.Boolean(),
  },
  { title: 'RealWorldProfile' },
);

export const User = Type.Object(
  {
    email: Type.String(),
    token: Type.String({ description: 'Send it back as `Authorization: Token <token>`' }),
    username: Type.String(),
    bio: Type.Union([Type.String(), Type.Null()]),
    image: Type.String(),
  },
  { title: 'RealWorldUser' },
);

const articleFields = {
  slug: Type.String({ description: "`<the post's slug>-<its id>`: the id names the post" }),
  title: Type.String(),
  description: Type.String(),
  tagList: Type.Array(Type.String(), { description: 'Sorted by name' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  favorited: Type.Boolean({ description: 'Whether the caller likes it' }),
  favoritesCount: Type.Integer({ description: 'Its likes' }),
  author: Profile,
};

/** A listed article: everything but the body, as the specification's list answer. */
export const ArticleListed = Type.Object(articleFields, { title: 'RealWorldListedArticle' });
export const Article = Type.Object(
  { ...articleFields, body: Type.String({ description: 'Markdown' }) },
  { title: 'RealWorldArticle' },
);

export const Comment = Type.Object(
  {
    id: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    body: Type.String(),
    author: Profile,
  },
  { title: 'RealWorldComment' },
);

export const UserResponse = wrapped('user', User);
export const ProfileResponse = wrapped('profile', Profile);
export const ArticleResponse = wrapped('article', Article);
export const CommentResponse = wrapped('comment', Comment);
export const ArticlesResponse = Type.Object({
  articles: Type.Array(ArticleListed),
  articlesCount: Type.Integer(),
});
export const CommentsResponse = Type.Object({ comments: Type.Array(Comment) });
export const TagsResponse = Type.Object({ tags: Type.Array(Type.String()) });

/** `{"errors": {"<field>": ["<message>"]}}`: `body` when no field is to blame. */
export const ErrorResponse = Type.Object(
  { errors: Type.Record(Type.String(), Type.Array(Type.String())) },
  { title: 'RealWorldError' },
);

export const LoginRequest = wrapped(
  'user',
  Type.Object({ email: StoredText({ maxLength: 320 }), password: Type.String({ maxLength: 4096 }) }),
);
export const RegisterRequest = wrapped(
  'user',
  Type.Object({ username: Username, email: Email, password: NewPassword }),
);
export const UpdateUserRequest = wrapped(
  'user',
  Type.Object({
    username: Type.Optional(Username),
    email: Type.Optional(Email),
    bio: Type.Optional(Type.Union([Bio, Type.Null()])),
    image: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
    password: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
  }),
);

const Title = StoredText({ minLength: 1, maxLength: TITLE_MAX_LENGTH });
const Description = StoredText({ maxLength: DESCRIPTION_MAX_LENGTH });
const Body = StoredText({ minLength: 1, description: 'Markdown' });

export const NewArticleRequest = wrapped(
  'article',
  Type.Object({
    title: Title,
    description: Description,
    body: Body,
    tagList: Type.Optional(TagsField),
  }),
);
export const UpdateArticleRequest = wrapped(
  'article',
  Type.Object({
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    body: Type.Optional(Body),
    tagList: Type.Optional(TagsField),
  }),
);
export const NewCommentRequest = wrapped(
  'comment',
  Type.Object({ body: StoredText({ minLength: 1, maxLength: COMMENT_MAX_LENGTH }) }),
);

export const ArticlesQuery = Type.Object({
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  author: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  favorited: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
});
export const FeedQuery = Type.Object({
  limit: ArticlesQuery.properties.limit,
  offset: ArticlesQuery.properties.offset,
});

export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 200 }) });
export const CommentParams = Type.Object({
  slug: Type.String({ maxLength: 200 }),
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
});
export const UsernameParams = Type.Object({ username: Type.String({ maxLength: 100 }) });

export type Profile = Static<typeof Profile>;
export type Article = Static<typeof Article>;
export type ArticleListed = Static<typeof ArticleListed>;
export type Comment = Static<typeof Comment>;
export type ErrorResponse = Static<typeof ErrorResponse>;
