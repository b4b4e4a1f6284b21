import { ForbiddenError, NotFoundError } from '../platform/errors.js';
import { named, pageOf, pageWindow, type PageRequest } from '../platform/paging.js';
import type { PostsService } from '../posts/posts.service.js';
import type { ModerationService } from '../moderation/moderation.service.js';
import { hasRole } from '../users/roles.js';
import type { UsersService } from '../users/users.service.js';
import type { User } from '../users/users.table.js';
import type { CommentWithAuthor, CommentsRepository } from './comments.repository.js';
import type { Comment, CommentPage } from './comments.schemas.js';

export const COMMENT_NOT_FOUND = 'Comment not found';

/**
 * Comments on posts, oldest first. The comment's author may edit and delete it; the post's author and
 * moderators may delete it too (a moderator's removal is logged).
 */
export class CommentsService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly posts: PostsService,
    private readonly users: UsersService,
    private readonly moderation: ModerationService,
  ) {}

  view({ comment, author }: CommentWithAuthor): Comment {
    return {
      id: comment.id,
      post_id: comment.postId,
      content: comment.content,
      created_at: comment.createdAt.toISOString(),
      updated_at: comment.updatedAt.toISOString(),
      author: this.users.publicView(author),
    };
  }

  /** A page of the post's comments; the total is the post's kept count. NotFoundError without the post. */
  async page(postId: number, request: PageRequest): Promise<CommentPage> {
    const [post, rows] = await Promise.all([
      this.posts.published(postId),
      this.comments.page(postId, pageWindow(request)),
    ]);
    return named(
      'comments',
      pageOf(
        rows,
        post.counts.comments,
        request,
        ({ comment }) => ({ at: comment.createdAt, id: comment.id }),
        (row) => this.view(row),
      ),
    );
  }

  /** The post a comment is on, or undefined when there is no such comment. */
  async postOf(id: number): Promise<number | undefined> {
    return (await this.comments.findById(id))?.comment.postId;
  }

  async create(actor: User, postId: number, content: string): Promise<Comment> {
    // Drafts take no comments: no one but their author can see them.
    await this.posts.published(postId);
    const comment = await this.comments.insert(postId, actor.id, content);
    if (!comment) throw new NotFoundError('Post not found');
    return this.view({ comment, author: actor });
  }

  async update(actor: User, id: number, content: string): Promise<Comment> {
    const found = await this.comments.findById(id);
    if (!found) throw new NotFoundError(COMMENT_NOT_FOUND);
    if (found.comment.userId !== actor.id) throw new ForbiddenError('Not authorized to update this comment');
    const comment = await this.comments.updateContent(id, content);
    if (!comment) throw new NotFoundError(COMMENT_NOT_FOUND);
    return this.view({ comment, author: found.author });
  }

  async delete(actor: User, id: number): Promise<void> {
    const found = await this.comments.findById(id);
    if (!found) throw new NotFoundError(COMMENT_NOT_FOUND);
    if (found.comment.userId === actor.id || (await this.isPostAuthor(actor, found.comment.postId))) {
      await this.comments.delete(id);
      return;
    }
    if (!hasRole(actor, 'moderator')) throw new ForbiddenError('Not authorized to delete this comment');
    const subject = `comment ${id} on post ${found.comment.postId}`;
    await this.moderation.recorded(actor, 'delete_comment', found.author, subject, (db) =>
      this.comments.delete(id, db),
    );
  }

  private async isPostAuthor(actor: User, postId: number): Promise<boolean> {
    return (await this.posts.authorOf(postId)) === actor.id;
  }
}
