import { Type, type Static } from 'typebox';
import { QUERY_MAX_LENGTH } from './limits.js';

/** A piece of the text around the matches: plain text, `match` for the words found. */
export const SnippetPart = Type.Object({ text: Type.String(), match: Type.Boolean() });

export const Snippet = Type.Array(SnippetPart, {
  description:
    'Search results only: the text around the matches, in parts; plain text (show it escaped, mark the matches)',
});

export const SearchText = Type.String({
  minLength: 1,
  maxLength: QUERY_MAX_LENGTH,
  description: 'Full-text search: words, "quoted phrases", -excluded, or. Results by relevance, then newest',
});

export type SnippetPart = Static<typeof SnippetPart>;
