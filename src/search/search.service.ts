import type { SearchRepository } from './search.repository.js';
import { MATCH_END, MATCH_START } from './search.repository.js';
import type { SnippetPart } from './search.schemas.js';

/** What a post says, as search reads it. */
export interface SearchablePost {
  title: string | null;
  description: string | null;
  tags: string[];
  /** The rendered Markdown's text: never HTML. */
  text: string;
}

export interface SearchHits {
  /** Post ids, the most relevant first. */
  postIds: number[];
  snippets: Map<number, SnippetPart[]>;
  /** How many published posts were ranked (at most RANKED_CANDIDATES). */
  total: number;
}

const MARKS = new RegExp(`[${MATCH_START}${MATCH_END}]`, 'g');
const clean = (text: string) => text.replace(MARKS, ' ');

/** A headline cut into parts: between the marks a match, elsewhere the text around it. */
export function snippetOf(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const pattern = new RegExp(`${MATCH_START}([^${MATCH_END}]*)${MATCH_END}`, 'g');
  let at = 0;
  for (const found of headline.matchAll(pattern)) {
    if (found.index > at) parts.push({ text: headline.slice(at, found.index), match: false });
    parts.push({ text: found[1] ?? '', match: true });
    at = found.index + found[0].length;
  }
  if (at < headline.length) parts.push({ text: headline.slice(at), match: false });
  return parts
    .map((part) => ({ ...part, text: part.text.replace(/\s+/g, ' ') }))
    .filter((part) => part.text !== '');
}

/**
 * Full-text search over published posts (PostgreSQL's, on PGlite and a real server alike): the words of
 * each post are kept here when it is written; the database weighs and stems them (search.table.ts).
 */
export class SearchService {
  constructor(
    private readonly search: SearchRepository,
    /** SEARCH_LANGUAGE. */
    private readonly language: string,
  ) {}

  /** At start: an unknown language stops it; rows written in another language follow the setting. */
  async prepare(): Promise<number> {
    await this.search.checkLanguage(this.language);
    return this.search.relanguage(this.language);
  }

  /** Keeps the post's words: called whenever the post is written. */
  async index(postId: number, post: SearchablePost): Promise<void> {
    await this.search.write(postId, this.language, {
      title: clean(post.title ?? ''),
      summary: clean([post.description ?? '', ...post.tags].join(' ')),
      body: clean(post.text),
    });
  }

  /** One page of the posts that match, the most relevant first, with their snippets. */
  async find(q: string, skip: number, limit: number): Promise<SearchHits> {
    const { found, total } = await this.search.search(this.language, q, skip, limit);
    return {
      postIds: found.map((hit) => hit.postId),
      snippets: new Map(found.map((hit) => [hit.postId, snippetOf(hit.headline)])),
      total,
    };
  }
}
