import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database, DatabaseConnection } from '../platform/database/database.js';
import { isForeignKeyViolation } from '../platform/database/driver-errors.js';
import { prepareStatements } from '../platform/database/prepared.js';
import type { PageWindow } from '../platform/paging.js';
import { authorColumns, joinAuthor, type AuthorRow } from '../users/authors.js';
import { comments, type CommentRow } from './comments.table.js';

export interface CommentWithAuthor {
  comment: CommentRow;
  author: AuthorRow;
}

// Oldest first; the id breaks ties between comments of the same millisecond.
const threadOrder = [asc(comments.createdAt), asc(comments.id)];
const placeholder = sql.placeholder;

/** The only code that reads or writes `comments`. */
export class CommentsRepository {
  /** The hot reads, prepared once, `read` on a replica where allowed; the plan tests explain these. */
  readonly statements;
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
    this.statements = prepareStatements(connection, (db, prepare) => {
      const withAuthors = () =>
        db
          .select({ comment: comments, author: authorColumns })
          .from(comments)
          .innerJoin(...joinAuthor(comments.userId))
          .$dynamic();
      const ofPost = eq(comments.postId, placeholder('postId'));
      return {
        offset: prepare(
          'comments_offset',
          withAuthors()
            .where(ofPost)
            .orderBy(...threadOrder)
            .offset(placeholder('skip'))
            .limit(placeholder('limit')),
        ),
        after: prepare(
          'comments_after',
          withAuthors()
            .where(
              and(
                ofPost,
                sql`(${comments.createdAt}, ${comments.id}) > (${placeholder('afterDate')}, ${placeholder('afterId')})`,
              ),
            )
            .orderBy(...threadOrder)
            .limit(placeholder('limit')),
        ),
        byId: prepare('comment_by_id', withAuthors().where(eq(comments.id, placeholder('id')))),
      };
    });
  }

  /** One page of a post's comments, oldest first. */
  page(postId: number, window: PageWindow): Promise<CommentWithAuthor[]> {
    return window.after
      ? this.statements.read.after.execute({
          postId,
          afterDate: window.after.at,
          afterId: window.after.id,
          limit: window.limit,
        })
      : this.statements.read.offset.execute({ postId, skip: window.skip, limit: window.limit });
  }

  async findById(id: number): Promise<CommentWithAuthor | undefined> {
    const [row] = await this.statements.read.byId.execute({ id });
    return row;
  }

  /** The new comment, or undefined when the post does not exist (any more). */
  async insert(postId: number, userId: number, content: string): Promise<CommentRow | undefined> {
    try {
      const [comment] = await this.db.insert(comments).values({ postId, userId, content }).returning();
      return comment;
    } catch (error) {
      if (isForeignKeyViolation(error)) return undefined;
      throw error;
    }
  }

  async updateContent(id: number, content: string): Promise<CommentRow | undefined> {
    const [comment] = await this.db
      .update(comments)
      .set({ content, updatedAt: sql`now()` })
      .where(eq(comments.id, id))
      .returning();
    return comment;
  }

  /** `db` joins the caller's transaction (a moderator's removal, logged with it). */
  async delete(id: number, db: Database = this.db): Promise<void> {
    await db.delete(comments).where(eq(comments.id, id));
  }
}
