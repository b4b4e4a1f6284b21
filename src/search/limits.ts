// The bounds of a search (SPEC section 14).
export const QUERY_MAX_LENGTH = 200;
/**
 * Only the newest this many matches are ranked: a word in half of a million posts costs the same as
 * one in a thousand of them (the walk stops at the cap), and relevance among the newest thousand is what
 * a reader pages through. `total` counts at most this many.
 */
export const RANKED_CANDIDATES = 1_000;
