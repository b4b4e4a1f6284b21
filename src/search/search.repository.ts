import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { Database, DatabaseConnection } from '../platform/database/database.js';
import { prepareStatements, type Prepare } from '../platform/database/prepared.js';
import { postSearch } from './search.table.js';

const placeholder = sql.placeholder;

/** Marks around a match in a headline: control characters, removed from every text before it is stored. */
export const MATCH_START = '\u0001';
export const MATCH_END = '\u0002';
const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxFragments=2, MaxWords=24, MinWords=10, FragmentDelimiter=" … "`;

export interface SearchDocument {
  title: string;
  summary: string;
  body: string;
}

export interface Found {
  postId: number;
  /** The text around the matches, the matches between MATCH_START and MATCH_END. */
  headline: string;
}

/** The only code that reads or writes `post_search`. */
export class SearchRepository {
  readonly statements;
  private readonly db: Database;

  constructor(
    connection: DatabaseConnection,
    /** The cap on ranked candidates: only the newest this many matches are ranked. */
    private readonly candidates: number,
  ) {
    this.db = connection.db;
    this.statements = prepareStatements(connection, (db, prepare) => this.build(db, prepare));
  }

  private build(db: Database, prepare: Prepare) {
    const query = sql`websearch_to_tsquery(${placeholder('language')}::regconfig, ${placeholder('q')})`;
    // The newest matching published posts, at most `cap`: for a rare word the GIN index finds them;
    // for a word in half the posts the planner walks the newest index and stops after `cap` matches.
    const matches = db
      .select({ postId: postSearch.postId, datePosted: postSearch.datePosted, document: postSearch.document })
      .from(postSearch)
      .where(and(sql`${postSearch.status} = 'published'`, sql`${postSearch.document} @@ ${query}`))
      .orderBy(desc(postSearch.datePosted), desc(postSearch.postId))
      .limit(placeholder('cap'))
      .as('matches');
    const ranked = db
      .select({
        postId: matches.postId,
        datePosted: matches.datePosted,
        rank: sql<number>`ts_rank(${matches.document}, ${query})`.as('rank'),
        total: sql<number>`count(*) OVER ()`.mapWith(Number).as('total'),
      })
      .from(matches)
      .orderBy(desc(sql`rank`), desc(matches.datePosted), desc(matches.postId))
      .offset(placeholder('skip'))
      .limit(placeholder('limit'))
      .as('ranked');
    const wanted = sql`${placeholder('language')}::regconfig::oid`;
    return {
      // Rows in another language: two ranges of the language index (a start with none reads no row).
      relanguage: prepare(
        'search_relanguage',
        db
          .update(postSearch)
          .set({ language: sql`${placeholder('language')}::regconfig` })
          .where(
            or(sql`${postSearch.language}::oid < ${wanted}`, sql`${postSearch.language}::oid > ${wanted}`),
          )
          .returning({ id: postSearch.postId }),
      ),
      // Unnamed, so planned for its words at each execution: the plan PostgreSQL may keep for a named
      // statement after five runs is made without them. At a million posts that generic plan reads
      // every match through the GIN index, 2.2 s for a word in half the posts (which the walk of the
      // newest index answers in 5 ms); a generic walk would read the whole index for a rare word.
      search: db
        .select({
          postId: ranked.postId,
          total: ranked.total,
          headline: sql<string>`ts_headline(${postSearch.language}, ${postSearch.body}, ${query}, ${HEADLINE_OPTIONS})`,
        })
        .from(ranked)
        .innerJoin(postSearch, eq(postSearch.postId, ranked.postId))
        .orderBy(desc(ranked.rank), desc(ranked.datePosted), desc(ranked.postId))
        .prepare(''),
    };
  }

  /**
   * One page of the published posts that match `q` (web search syntax), by relevance then newest,
   * among the newest `candidates` matches; `total` counts those (so at most `candidates`).
   */
  async search(
    language: string,
    q: string,
    skip: number,
    limit: number,
  ): Promise<{ found: Found[]; total: number }> {
    const rows = await this.statements.read.search.execute({
      language,
      q,
      cap: this.candidates,
      skip,
      limit,
    });
    return {
      found: rows.map((row) => ({ postId: row.postId, headline: row.headline })),
      total: rows[0]?.total ?? (skip > 0 ? await this.countOnly(language, q) : 0),
    };
  }

  private async countOnly(language: string, q: string): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(
      this.db
        .select({ id: postSearch.postId })
        .from(postSearch)
        .where(
          and(
            sql`${postSearch.status} = 'published'`,
            sql`${postSearch.document} @@ websearch_to_tsquery(${language}::regconfig, ${q})`,
          ),
        )
        .limit(this.candidates)
        .as('capped'),
    );
    return row?.n ?? 0;
  }

  /** The post's words, in `language` (the vector is made by the database). */
  async write(postId: number, language: string, document: SearchDocument): Promise<void> {
    await this.db
      .insert(postSearch)
      .values({ postId, language, ...document })
      .onConflictDoUpdate({ target: postSearch.postId, set: { language, ...document } });
  }

  /** Fails with the database's message when `language` is no text search configuration. */
  async checkLanguage(language: string): Promise<void> {
    await this.db.execute(sql`SELECT ${language}::regconfig`);
  }

  /** Rows written in another language are written again in this one (their vectors follow). */
  async relanguage(language: string): Promise<number> {
    const changed = await this.statements.primary.relanguage.execute({ language });
    return changed.length;
  }
}
