/**
 * The counts that other features keep on each post: the feature's `counted(...)` declaration keeps the
 * column of the same name in posts.table.ts, and the count is then a field of `Post` and a link on the
 * post's card, to its section of the post page. A feature that counts something per post adds its
 * entry here and its column there, and touches nothing else of posts. (The server and the browser
 * both read this module: no database code here.)
 */
export const postCounts = {
  comments: {
    description: 'Number of comments',
    /** The id of the count's section on the post page, and the class of its link (`comment-count`). */
    section: 'comments',
    linkClass: 'comment-count',
    label: (count: number) => `${count} ${count === 1 ? 'comment' : 'comments'}`,
  },
} as const satisfies Record<string, PostCount>;

export interface PostCount {
  description: string;
  section: string;
  linkClass: string;
  label: (count: number) => string;
}

export type PostCountName = keyof typeof postCounts;
export type PostCountValues = Record<PostCountName, number>;

export const postCountNames = Object.keys(postCounts) as PostCountName[];

/** The counts of a post, from any object that holds them under their names (a row, a `Post`). */
export function countsOf(post: PostCountValues): PostCountValues {
  return Object.fromEntries(postCountNames.map((name) => [name, post[name]])) as PostCountValues;
}

/** What each count's link on a card shows and where it goes. */
export function countLinks(post: PostCountValues, postHref: string) {
  return postCountNames.map((name) => {
    const count: PostCount = postCounts[name];
    return { class: count.linkClass, href: `${postHref}#${count.section}`, text: count.label(post[name]) };
  });
}
