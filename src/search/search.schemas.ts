import { Type, type Static } from 'typebox';
import { StoredText } from '../platform/http/schemas.js';
import { QUERY_MAX_LENGTH } from './limits.js';

/** A piece of the text around the matches: plain text, `match` for the words found. */
export const SnippetPart = Type.Object({ text: Type.String(), match: Type.Boolean() });

export const Snippet = Type.Array(SnippetPart, {
  description:
    'Search results only: the text around the matches, in parts; plain text (show it escaped, mark the matches)',
});

// Sent to PostgreSQL, which refuses U+0000: refused here with a 422.
export const SearchText = StoredText({
  minLength: 1,
  maxLength: QUERY_MAX_LENGTH,
  description: 'Full-text search: words, "quoted phrases", -excluded, or. Results by relevance, then newest',
});

export type SnippetPart = Static<typeof SnippetPart>;
