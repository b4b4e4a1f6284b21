import type { App, TestUser } from '../../test/support/index.js';

/** For the security tests: `{user_id}` names the user themself. */
export const resourceFixtures = {
  user_id: async (_app: App, owner: TestUser) => owner.id,
};
