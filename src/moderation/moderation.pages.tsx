import type { FastifyPluginAsync } from 'fastify';
import { ConfirmModal } from '../platform/web/components.js';
import type { PageDocument } from '../platform/web/layout.js';
import { ROLES } from '../users/roles.js';

/**
 * `/admin`: accounts with their role and suspension controls, and the moderation log. The page is the
 * same for every visitor (the reader is known only to the browser, by its token) and holds no account:
 * `js/moderation/admin` checks the reader's role, sends visitors who are not signed in to the login
 * page, tells others (moderators too) that the page is for admins, and gets everything from the admin
 * API, which refuses anyone but an admin.
 */
const moderationPages: FastifyPluginAsync = async (app) => {
  app.get('/admin', { schema: { hide: true } }, async (_request, reply) => reply.page(adminPage));
};

export default moderationPages;

const ROLE_NAMES: Record<(typeof ROLES)[number], string> = {
  user: 'User',
  moderator: 'Moderator',
  admin: 'Admin',
};

export const adminPage: PageDocument = {
  title: 'Admin',
  script: 'moderation/admin',
  body: (
    <>
      <p class="text-body-secondary" id="adminLoading">
        Checking your account…
      </p>
      <div class="alert alert-warning" id="adminRefused" role="alert" hidden>
        <h1 class="h5">Only admins may see this page</h1>
        <p class="mb-0">
          Moderators remove posts and comments from the pages themselves. <a href="/">Back to the posts</a>
        </p>
      </div>
      <div class="admin-page" id="admin" hidden>
        <h1 class="h3 mb-4">Admin</h1>
        <div class="row g-4">
          <section class="col-lg-7" aria-labelledby="accountsHeading">
            <h2 class="section-heading mb-3" id="accountsHeading">
              Accounts
            </h2>
            <form class="d-flex gap-2 mb-3" role="search" id="accountSearch" novalidate>
              <label class="visually-hidden" for="accountQuery">
                Search accounts by name or email
              </label>
              <input
                class="form-control"
                type="search"
                id="accountQuery"
                name="q"
                maxlength="120"
                placeholder="Name or email"
                autocomplete="off"
              />
              <button type="submit" class="btn btn-outline-primary text-nowrap">
                Search
              </button>
            </form>
            <ul class="list-group" id="accountList" aria-live="polite"></ul>
            <p class="text-body-secondary" id="accountEmpty" hidden>
              No account matches.
            </p>
            <div class="text-center mt-2">
              <button type="button" class="btn btn-outline-primary btn-sm" id="accountMore" hidden>
                Load More
              </button>
            </div>
            {/* The role menu each account gets a copy of (js/moderation/admin). */}
            <template id="roleOptions">
              {ROLES.map((role) => (
                <option value={role} safe>
                  {ROLE_NAMES[role]}
                </option>
              ))}
            </template>
          </section>
          <section class="col-lg-5" aria-labelledby="logHeading">
            <h2 class="section-heading mb-3" id="logHeading">
              Moderation log
            </h2>
            <ol class="list-group moderation-log" id="logList" aria-live="polite"></ol>
            <p class="text-body-secondary" id="logEmpty" hidden>
              Nothing has been moderated yet.
            </p>
            <div class="text-center mt-2">
              <button type="button" class="btn btn-outline-primary btn-sm" id="logMore" hidden>
                Older entries
              </button>
            </div>
          </section>
        </div>
      </div>
      <ConfirmModal
        id="suspendModal"
        title="Suspend this account?"
        message="They are signed out everywhere at once and cannot log in until an admin restores the account."
        confirmId="confirmSuspend"
        confirmLabel="Suspend"
      />
    </>
  ),
};
