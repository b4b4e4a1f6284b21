import { asset } from '../platform/web/assets.js';
import {
  AuthorLine,
  Avatar,
  ConfirmModal,
  DismissButton,
  Field,
  Modal,
  PagedList,
} from '../platform/web/components.js';
import type { Post } from '../posts/posts.schemas.js';
import { COMMENT_MAX_LENGTH } from './limits.js';
import type { Comment, CommentPage } from './comments.schemas.js';

/** One comment. `browser/comment-item.ts` builds the same markup in the browser. */
export function CommentItem({ comment }: { comment: Comment }) {
  return (
    <article
      class="comment d-flex gap-3 py-3 border-top"
      data-comment-id={String(comment.id)}
      data-author-id={String(comment.author.id)}
    >
      <Avatar src={comment.author.image_path} />
      <div class="flex-grow-1 min-w-0">
        <AuthorLine author={comment.author} date={comment.created_at} href={`#comment-${comment.id}`} />
        <p class="comment-content mb-1" id={`comment-${comment.id}`} safe>
          {comment.content}
        </p>
        <div class="comment-controls small" hidden>
          <button type="button" class="btn btn-link btn-sm p-0 me-3" data-action="edit-comment">
            Edit
          </button>
          <button type="button" class="btn btn-link btn-sm p-0 link-danger" data-action="delete-comment">
            Delete
          </button>
        </div>
      </div>
    </article>
  );
}

const countText = (count: number) => `${count} ${count === 1 ? 'comment' : 'comments'}`;

/** Below a post: its first comments, the rest on demand, and a form for signed-in readers. */
export function CommentsSection({ post, page }: { post: Post; page: CommentPage }) {
  return (
    <section class="mt-5" id="comments" aria-labelledby="commentsHeading" data-post-id={String(post.id)}>
      <h2 class="h5" id="commentsHeading">
        Comments{' '}
        <span class="text-body-secondary" id="commentCount" safe>
          {`(${countText(page.total)})`}
        </span>
      </h2>
      <PagedList
        id="commentList"
        moreId="loadMoreComments"
        emptyId="noComments"
        label="Comments"
        source={`/api/posts/${post.id}/comments`}
        limit={page.limit}
        nextCursor={page.next_cursor}
        emptyMessage="No comments yet."
        empty={page.comments.length === 0}
      >
        {page.comments.map((comment) => (
          <CommentItem comment={comment} />
        ))}
      </PagedList>
      <form id="commentForm" class="when-signed-in mt-3" novalidate>
        <Field
          id="commentInput"
          name="content"
          label="Add a comment"
          type="textarea"
          rows={3}
          required
          maxlength={COMMENT_MAX_LENGTH}
        />
        <button type="submit" class="btn btn-primary">
          Comment
        </button>
      </form>
      <p class="when-signed-out small text-body-secondary mt-3">
        <a href="/login">Log in</a> to comment.
      </p>
      <Modal
        id="editCommentModal"
        title="Edit Comment"
        as="form"
        footer={
          <>
            <DismissButton />
            <button type="submit" class="btn btn-primary">
              Save
            </button>
          </>
        }
      >
        <Field
          id="editCommentInput"
          name="content"
          label="Comment"
          type="textarea"
          rows={4}
          required
          maxlength={COMMENT_MAX_LENGTH}
        />
      </Modal>
      <ConfirmModal
        id="deleteCommentModal"
        title="Delete Comment?"
        message="This cannot be undone."
        confirmId="confirmDeleteComment"
      />
      <script type="module" src={asset('js/comments/comments.js')}></script>
    </section>
  );
}
