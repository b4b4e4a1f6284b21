import { Type, type Static } from 'typebox';
import { Page, PageQuery, StoredText } from '../platform/http/schemas.js';
import { UserPublic } from '../users/users.schemas.js';
import { COMMENT_MAX_LENGTH } from './limits.js';

export const Comment = Type.Object(
  {
    id: Type.Integer(),
    post_id: Type.Integer(),
    content: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    author: UserPublic,
  },
  { title: 'Comment' },
);

export const CommentPage = Page('comments', Comment, 'CommentPage');

/** Oldest first, 20 to a page. */
export const CommentPageQuery = PageQuery(20);

export const CommentBody = Type.Object({
  content: StoredText({ minLength: 1, maxLength: COMMENT_MAX_LENGTH }),
});

export type Comment = Static<typeof Comment>;
export type CommentPage = Static<typeof CommentPage>;
export type CommentBody = Static<typeof CommentBody>;
