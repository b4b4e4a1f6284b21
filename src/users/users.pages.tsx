import type { FastifyPluginAsync } from 'fastify';
import { ConfirmModal, Field } from '../platform/web/components.js';
import type { PageDocument } from '../platform/web/layout.js';
import { megabytes } from '../platform/http/uploads.js';
import {
  BIO_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_MAX_LENGTH,
} from './limits.js';

/** The account page: everything on it needs the signed-in user, so the browser fills it in. */
const usersPages: FastifyPluginAsync = async (app) => {
  const page = accountPage(megabytes(app.config.maxUploadSizeBytes));
  app.get('/account', { schema: { hide: true } }, async (_request, reply) => reply.page(page));
};

export default usersPages;

export function accountPage(maxUpload: string): PageDocument {
  return {
    title: 'Account',
    script: 'users/account',
    body: (
      <>
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
                <Field
                  id="pictureInput"
                  name="file"
                  type="file"
                  label="Choose a picture"
                  accept="image/jpeg,image/png,image/gif,image/webp"
                  hint={`JPEG, PNG, GIF or WebP, at most ${maxUpload}.`}
                  class="mb-2"
                />
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
                <Field
                  id="usernameInput"
                  name="username"
                  label="Username"
                  maxlength={USERNAME_MAX_LENGTH}
                  required
                  autocomplete="username"
                />
                <Field
                  id="emailInput"
                  name="email"
                  type="email"
                  label="Email"
                  maxlength={EMAIL_MAX_LENGTH}
                  required
                  autocomplete="email"
                />
                <Field
                  id="bioInput"
                  name="bio"
                  type="textarea"
                  rows={3}
                  label="Bio"
                  labelNote="(optional)"
                  maxlength={BIO_MAX_LENGTH}
                  hint="A few words about you, shown on your page."
                />
                <button type="submit" class="btn btn-primary">
                  Save
                </button>
              </form>
              <h2 class="h5" id="passwordHeading">
                Change password
              </h2>
              <form id="passwordForm" class="mb-4" novalidate aria-labelledby="passwordHeading">
                <Field
                  id="currentPasswordInput"
                  name="current_password"
                  type="password"
                  label="Current password"
                  required
                  autocomplete="current-password"
                />
                <Field
                  id="newPasswordInput"
                  name="new_password"
                  type="password"
                  label="New password"
                  minlength={PASSWORD_MIN_LENGTH}
                  maxlength={PASSWORD_MAX_LENGTH}
                  required
                  autocomplete="new-password"
                />
                <Field
                  id="confirmPasswordInput"
                  name="confirm"
                  type="password"
                  label="Confirm new password"
                  maxlength={PASSWORD_MAX_LENGTH}
                  required
                  autocomplete="new-password"
                />
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
        <ConfirmModal
          id="deleteAccountModal"
          title="Delete your account?"
          message="Your posts, likes and picture will be deleted too. This cannot be undone."
          confirmId="confirmDeleteAccount"
          confirmLabel="Delete account"
        />
      </>
    ),
  };
}
