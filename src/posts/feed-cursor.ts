/**
 * A position in a feed: the `date_posted` and `id` of the last post seen, written `<ISO date>_<id>`
 * (readable on purpose: it is no secret, and a person debugging a page can read it).
 */
export interface FeedCursor {
  datePosted: Date;
  id: number;
}

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)_([1-9]\d{0,9})$/;

export function formatFeedCursor(post: { datePosted: Date; id: number }): string {
  return `${post.datePosted.toISOString()}_${post.id}`;
}

/** The cursor, or undefined when the text is not one (the schema's `feed-cursor` format rejects those). */
export function parseFeedCursor(text: string): FeedCursor | undefined {
  const [, date = '', id = ''] = CURSOR.exec(text) ?? [];
  const datePosted = new Date(date);
  // A valid-looking date such as February 30th parses to another day: compare the round trip.
  if (Number.isNaN(datePosted.getTime()) || datePosted.toISOString() !== date) return undefined;
  if (Number(id) > 2_147_483_647) return undefined;
  return { datePosted, id: Number(id) };
}

export function isFeedCursor(text: string): boolean {
  return parseFeedCursor(text) !== undefined;
}
