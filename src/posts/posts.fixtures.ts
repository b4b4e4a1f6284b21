import { createPost, type App, type TestUser } from '../../test/support/index.js';

/** For the security tests: a `{post_id}` of the owner's. */
export const resourceFixtures = {
  post_id: (app: App, owner: TestUser) => createPost(app, owner, { title: 'mine', content: 'my own words' }),
};
