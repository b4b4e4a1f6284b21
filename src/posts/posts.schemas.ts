import { Type, type Static, type TInteger } from 'typebox';
import { Page, PageQuery, StoredText } from '../platform/http/schemas.js';
import { SearchText, Snippet } from '../search/search.schemas.js';
import { TagsField } from '../tags/tags.schemas.js';
import { UserPublic } from '../users/users.schemas.js';
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from './limits.js';
import { postCounts, type PostCountName } from './post-counts.js';
import { POST_STATUSES } from './posts.table.js';

const Title = StoredText({ maxLength: TITLE_MAX_LENGTH });
const Content = StoredText({
  minLength: 1,
  description: 'Markdown (CommonMark with GFM tables, task lists, strikethrough and autolinks)',
});
const Description = StoredText({ maxLength: DESCRIPTION_MAX_LENGTH, description: 'A subtitle' });
const Nullable = <T extends ReturnType<typeof StoredText>>(schema: T) => Type.Union([schema, Type.Null()]);

/** What an author may ask for; `scheduled` follows from `publish_at`. */
const WrittenStatus = Type.Enum(['published', 'draft'], {
  description: 'Absent: `published` for a new post, unchanged for an edit',
});
const PublishAt = Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
  description:
    'A time in the future: the post is `scheduled` and published then. `null` on an edit: unscheduled, a draft again',
});

// The counts other features keep on a post, each an integer field (post-counts.ts).
const countFields = Object.fromEntries(
  Object.entries(postCounts).map(([name, count]) => [name, Type.Integer({ description: count.description })]),
) as { [Name in PostCountName]: TInteger };

const postFields = {
  id: Type.Integer(),
  title: Type.Union([Type.String(), Type.Null()]),
  content: Type.String({ description: 'Markdown, as written' }),
  user_id: Type.Integer(),
  date_posted: Type.String({ format: 'date-time' }),
  updated_at: Type.String({
    format: 'date-time',
    description:
      'When the author last changed its words, tags, status or schedule (not its likes or comments); never before `date_posted`, equal to it when unchanged since published',
  }),
  likes: Type.Integer(),
  ...countFields,
  author: UserPublic,
  slug: Type.String({ description: 'The post page is `/posts/{id}/{slug}`' }),
  description: Type.Union([Type.String(), Type.Null()]),
  excerpt: Type.String({ description: 'The description, or the start of the text' }),
  status: Type.Enum(POST_STATUSES),
  publish_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When a scheduled post will be published',
  }),
  reading_minutes: Type.Integer(),
  tags: Type.Array(Type.String(), { description: 'Normalised, in the order the author gave them' }),
  snippet: Type.Optional(Snippet),
};

export const Post = Type.Object(postFields, { title: 'Post' });

/** One post as `GET /api/posts/{id}` answers: with its content rendered. */
export const PostDetail = Type.Object(
  { ...postFields, content_html: Type.String({ description: 'Safe HTML made from `content`' }) },
  { title: 'PostDetail' },
);

export const PostPage = Page('posts', Post, 'PostPage');

/** `skip`/`limit` as the original API, plus the cursor that pages without gaps or duplicates. */
export const PostPageQuery = PageQuery(10);

/** The feed's query: the posts of one tag with `tag`, a search with `q` (paged by `skip`). */
export const FeedQuery = Type.Object({
  ...PostPageQuery.properties,
  tag: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Only posts with this tag (normalised like one)',
    }),
  ),
  q: Type.Optional(SearchText),
});

export const OwnPostsQuery = Type.Object({
  ...PageQuery(10).properties,
  status: Type.Enum(POST_STATUSES, { default: 'draft' }),
});

/** POST and PUT: the whole post. A missing or null title (or description) means none. */
export const PostCreate = Type.Object({
  title: Type.Optional(Nullable(Title)),
  content: Content,
  description: Type.Optional(Nullable(Description)),
  status: Type.Optional(WrittenStatus),
  publish_at: Type.Optional(PublishAt),
  tags: Type.Optional(TagsField),
});

/** PATCH: only what is sent changes; `title: null` clears the title, `content` cannot be null. */
export const PostUpdate = Type.Object({
  title: Type.Optional(Nullable(Title)),
  content: Type.Optional(Content),
  description: Type.Optional(Nullable(Description)),
  status: Type.Optional(WrittenStatus),
  publish_at: Type.Optional(PublishAt),
  tags: Type.Optional(TagsField),
});

export const PostPreviewRequest = Type.Object({ content: StoredText({ maxLength: 200_000 }) });
export const PostPreview = Type.Object(
  { content_html: Type.String(), excerpt: Type.String(), reading_minutes: Type.Integer() },
  { title: 'PostPreview' },
);

export const LikeState = Type.Object(
  { likes: Type.Integer(), liked: Type.Boolean() },
  { title: 'LikeState' },
);

export type Post = Static<typeof Post>;
export type PostDetail = Static<typeof PostDetail>;
export type PostPage = Static<typeof PostPage>;
export type PostCreate = Static<typeof PostCreate>;
export type PostUpdate = Static<typeof PostUpdate>;
export type OwnPostsQuery = Static<typeof OwnPostsQuery>;
export type FeedQuery = Static<typeof FeedQuery>;
export type PostPreview = Static<typeof PostPreview>;
export type LikeState = Static<typeof LikeState>;
export type PostStatus = Post['status'];
