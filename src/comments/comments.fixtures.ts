import { createPost, type App, type TestUser } from '../../test/support/index.js';

/** For the security tests: a `{comment_id}` of the owner's, on a post of theirs. */
export const resourceFixtures = {
  comment_id: async (app: App, owner: TestUser) => {
    const postId = await createPost(app, owner);
    const response = await app.inject({
      method: 'POST',
      url: `/api/posts/${postId}/comments`,
      headers: owner.headers,
      payload: { content: 'my own comment' },
    });
    if (response.statusCode !== 201)
      throw new Error(`comment failed: ${response.statusCode} ${response.body}`);
    return response.json<{ id: number }>().id;
  },
};
