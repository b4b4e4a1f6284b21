/** The canonical address of a post's page (SPEC section 12); the server and the browser both build it. */
export const postPath = (post: { id: number; slug: string }) => `/posts/${post.id}/${post.slug}`;

export const readingTime = (minutes: number) => `${minutes} min read`;
