/**
 * Paging of every list: `skip`/`limit` as the original API did, and a cursor, the position of the
 * last item seen, so that items added or removed meanwhile cause neither duplicates nor gaps. Lists
 * are ordered by a time and then the id, both in an index; the cursor names that pair.
 */
export interface PageRequest {
  skip: number;
  limit: number;
  /** Continue right after this position (`next_cursor` of the previous page); `skip` is then ignored. */
  cursor?: string | undefined;
}

/** Where an item sits in its list: its time (`date_posted`, `created_at`) and its id. */
export interface Position {
  at: Date;
  id: number;
}

export interface PageView<Item> {
  items: Item[];
  total: number;
  skip: number;
  limit: number;
  has_more: boolean;
  /** Where the next page starts; pass it back as `cursor`. Null on the last page. */
  next_cursor: string | null;
}

// `<ISO time>_<id>`: readable on purpose; it is no secret, and a person debugging a page can read it.
const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)_([1-9]\d{0,9})$/;
const MAX_ID = 2_147_483_647;

export function formatCursor(position: Position): string {
  return `${position.at.toISOString()}_${position.id}`;
}

/** The position, or undefined when the text is not a cursor (the schemas' `cursor` format refuses those). */
export function parseCursor(text: string): Position | undefined {
  const [, date = '', id = ''] = CURSOR.exec(text) ?? [];
  const at = new Date(date);
  // A valid-looking date such as February 30th parses to another day: compare the round trip.
  if (Number.isNaN(at.getTime()) || at.toISOString() !== date) return undefined;
  if (Number(id) > MAX_ID) return undefined;
  return { at, id: Number(id) };
}

export function isCursor(text: string): boolean {
  return parseCursor(text) !== undefined;
}

/**
 * What a repository needs to read one page: with a cursor, the rows after `after` (one more than
 * asked, which tells whether more follow); without, `limit` rows from `skip`.
 */
export type PageWindow =
  { after: Position; limit: number; skip?: undefined } | { after?: undefined; limit: number; skip: number };

export function pageWindow(request: PageRequest): PageWindow {
  const after = request.cursor === undefined ? undefined : parseCursor(request.cursor);
  return after ? { after, limit: request.limit + 1 } : { skip: request.skip, limit: request.limit };
}

/** A page from the rows read for `pageWindow(request)` and the list's total. */
export function pageOf<Row, Item>(
  rows: Row[],
  total: number,
  request: PageRequest,
  position: (row: Row) => Position,
  view: (row: Row) => Item,
): PageView<Item> {
  const cursorMode = request.cursor !== undefined;
  const hasMore = cursorMode ? rows.length > request.limit : request.skip + rows.length < total;
  const shown = rows.slice(0, request.limit);
  const last = shown.at(-1);
  return {
    items: shown.map(view),
    total,
    skip: cursorMode ? 0 : request.skip,
    limit: request.limit,
    has_more: hasMore,
    next_cursor: hasMore && last !== undefined ? formatCursor(position(last)) : null,
  };
}

/** The page under the name its JSON shape gives the items (`posts`, `comments`). */
export function named<Key extends string, Item>(
  key: Key,
  { items, ...page }: PageView<Item>,
): Omit<PageView<Item>, 'items'> & Record<Key, Item[]> {
  return { ...page, [key]: items } as Omit<PageView<Item>, 'items'> & Record<Key, Item[]>;
}
