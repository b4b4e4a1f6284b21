import { PostList } from '../posts/posts.pages.js';
import type { PostPageView } from '../posts/posts.service.js';
import { Layout } from '../web/layout.js';
import type { UserPublicView } from './user-views.js';

/** "Posts by <username>": the first page on the server, infinite scroll in the browser. */
export function UserPostsPage({ user, page }: { user: UserPublicView; page: PostPageView }) {
  return (
    <Layout title={`Posts by ${user.username}`} page="user-posts">
      <div class="d-flex align-items-center gap-3 mb-4">
        <img class="avatar-lg rounded-circle" src={user.image_path} alt="" width="64" height="64" />
        <h1 class="h3 mb-0" safe>
          {`Posts by ${user.username}`}
        </h1>
        <span class="badge text-bg-secondary" safe>
          {`${page.total} ${page.total === 1 ? 'post' : 'posts'}`}
        </span>
      </div>
      <PostList page={page} source={`/api/users/${user.id}/posts`} emptyMessage="No posts yet." />
      <div id="scrollSentinel" aria-hidden="true"></div>
      <div class="text-center">
        <button type="button" class="btn btn-outline-primary" id="loadMore" hidden={!page.has_more}>
          Load More
        </button>
      </div>
    </Layout>
  );
}

/** Everything here needs the signed-in user, so the browser fills it in (or goes to the login page). */
export function AccountPage({ maxUploadMegabytes }: { maxUploadMegabytes: string }) {
  return (
    <Layout title="Account" page="account">
      <h1 class="h3 mb-4">Account</h1>
      <div id="account" hidden>
        <div class="row g-4">
          <section class="col-md-4" aria-labelledby="pictureHeading">
            <h2 class="h5" id="pictureHeading">
              Profile picture
            </h2>
            <img
              id="pictureImage"
              class="avatar-xl rounded-circle mb-3"
              src="/static/profile_pics/default.jpg"
              alt="Your profile picture"
              width="150"
              height="150"
            />
            <form id="pictureForm" novalidate>
              <label for="pictureInput" class="form-label">
                Choose a picture
              </label>
              <input
                class="form-control mb-2"
                type="file"
                id="pictureInput"
                name="file"
                accept="image/jpeg,image/png,image/gif,image/webp"
              />
              <div class="form-text mb-2" safe>
                {`JPEG, PNG, GIF or WebP, at most ${maxUploadMegabytes}.`}
              </div>
              <div class="d-flex gap-2">
                <button type="submit" class="btn btn-primary btn-sm">
                  Upload
                </button>
                <button type="button" class="btn btn-outline-danger btn-sm" id="deletePicture">
                  Delete picture
                </button>
              </div>
            </form>
          </section>
          <section class="col-md-8" aria-labelledby="profileHeading">
            <h2 class="h5" id="profileHeading">
              Profile
            </h2>
            <form id="profileForm" class="mb-4" novalidate>
              <div class="mb-3">
                <label for="usernameInput" class="form-label">
                  Username
                </label>
                <input
                  type="text"
                  class="form-control"
                  id="usernameInput"
                  name="username"
                  maxlength="50"
                  required
                  autocomplete="username"
                />
              </div>
              <div class="mb-3">
                <label for="emailInput" class="form-label">
                  Email
                </label>
                <input
                  type="email"
                  class="form-control"
                  id="emailInput"
                  name="email"
                  maxlength="120"
                  required
                  autocomplete="email"
                />
              </div>
              <button type="submit" class="btn btn-primary">
                Save
              </button>
            </form>
            <h2 class="h5" id="passwordHeading">
              Change password
            </h2>
            <form id="passwordForm" class="mb-4" novalidate aria-labelledby="passwordHeading">
              <div class="mb-3">
                <label for="currentPasswordInput" class="form-label">
                  Current password
                </label>
                <input
                  type="password"
                  class="form-control"
                  id="currentPasswordInput"
                  name="current_password"
                  required
                  autocomplete="current-password"
                />
              </div>
              <div class="mb-3">
                <label for="newPasswordInput" class="form-label">
                  New password
                </label>
                <input
                  type="password"
                  class="form-control"
                  id="newPasswordInput"
                  name="new_password"
                  minlength="8"
                  maxlength="256"
                  required
                  autocomplete="new-password"
                />
              </div>
              <button type="submit" class="btn btn-primary">
                Change password
              </button>
            </form>
            <div class="d-flex flex-wrap gap-2">
              <button type="button" class="btn btn-outline-secondary" data-action="logout">
                Log out
              </button>
              <button
                type="button"
                class="btn btn-outline-danger"
                data-bs-toggle="modal"
                data-bs-target="#deleteAccountModal"
              >
                Delete account
              </button>
            </div>
          </section>
        </div>
      </div>
      <div
        class="modal fade"
        id="deleteAccountModal"
        tabindex="-1"
        aria-labelledby="deleteAccountTitle"
        aria-hidden="true"
      >
        <div class="modal-dialog">
          <div class="modal-content">
            <div class="modal-header">
              <h2 class="modal-title fs-5" id="deleteAccountTitle">
                Delete your account?
              </h2>
              <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button>
            </div>
            <div class="modal-body">
              Your posts, likes and picture will be deleted too. This cannot be undone.
            </div>
            <div class="modal-footer">
              <button type="button" class="btn btn-secondary" data-bs-dismiss="modal">
                Cancel
              </button>
              <button type="button" class="btn btn-danger" id="confirmDeleteAccount">
                Delete account
              </button>
            </div>
          </div>
        </div>
      </div>
    </Layout>
  );
}
