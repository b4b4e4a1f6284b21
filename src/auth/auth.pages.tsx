import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Field } from '../platform/web/components.js';
import type { PageDocument } from '../platform/web/layout.js';
import { EMAIL_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_MAX_LENGTH } from '../users/limits.js';

/** The sign-in pages: forms that post to the API from their browser modules (src/auth/browser/). */
const authPages: FastifyPluginAsyncTypebox = async (app) => {
  const hidden = { schema: { hide: true } };
  app.get('/login', hidden, async (_request, reply) => reply.page(loginPage));
  app.get('/register', hidden, async (_request, reply) => reply.page(registerPage));
  app.get('/forgot-password', hidden, async (_request, reply) => reply.page(forgotPasswordPage));
  app.get(
    '/reset-password',
    { schema: { hide: true, querystring: Type.Object({ token: Type.Optional(Type.String()) }) } },
    async (request, reply) => reply.page(resetPasswordPage(Boolean(request.query.token))),
  );
};

export default authPages;

function formPage(title: string, script: string, body: JSX.Element): PageDocument {
  return {
    title,
    script: `auth/${script}`,
    body: (
      <div class="row justify-content-center">
        <div class="col-sm-10 col-md-7 col-lg-5">
          <h1 class="h3 mb-4" safe>
            {title}
          </h1>
          {body}
        </div>
      </div>
    ),
  };
}

const emailField = (
  <Field
    id="emailInput"
    label="Email"
    type="email"
    name="email"
    autocomplete="email"
    maxlength={EMAIL_MAX_LENGTH}
    required
  />
);

const newPasswordFields = (name: string, label: string) => (
  <>
    <Field
      id="passwordInput"
      label={`${label} (at least ${PASSWORD_MIN_LENGTH} characters)`}
      type="password"
      name={name}
      autocomplete="new-password"
      minlength={PASSWORD_MIN_LENGTH}
      required
    />
    <Field
      id="confirmInput"
      label="Confirm password"
      type="password"
      name="confirm"
      autocomplete="new-password"
      minlength={PASSWORD_MIN_LENGTH}
      required
    />
  </>
);

const loginPage = formPage(
  'Log in',
  'login',
  <form id="loginForm" novalidate>
    <Field id="emailInput" label="Email" type="email" name="username" autocomplete="email" required />
    <Field
      id="passwordInput"
      label="Password"
      type="password"
      name="password"
      autocomplete="current-password"
      required
    />
    <button type="submit" class="btn btn-primary w-100 mb-3">
      Log in
    </button>
    <p class="small">
      <a href="/forgot-password">Forgot your password?</a> · <a href="/register">Create an account</a>
    </p>
  </form>,
);

const registerPage = formPage(
  'Register',
  'register',
  <form id="registerForm" novalidate>
    <Field
      id="usernameInput"
      label="Username"
      name="username"
      autocomplete="username"
      maxlength={USERNAME_MAX_LENGTH}
      required
    />
    {emailField}
    {newPasswordFields('password', 'Password')}
    <button type="submit" class="btn btn-primary w-100 mb-3">
      Register
    </button>
    <p class="small">
      Already registered? <a href="/login">Log in</a>
    </p>
  </form>,
);

const forgotPasswordPage = formPage(
  'Forgot password',
  'forgot-password',
  <>
    <p>Type the email of your account: we send a link to choose a new password.</p>
    <form id="forgotForm" novalidate>
      {emailField}
      <button type="submit" class="btn btn-primary w-100">
        Send the link
      </button>
    </form>
  </>,
);

function resetPasswordPage(hasToken: boolean): PageDocument {
  return formPage(
    'Choose a new password',
    'reset-password',
    <>
      {!hasToken && (
        <div class="alert alert-warning" role="alert" id="missingToken">
          This page needs the link from the reset mail.{' '}
          <a class="alert-link" href="/forgot-password">
            Ask for a new one
          </a>
          .
        </div>
      )}
      <form id="resetForm" novalidate>
        <fieldset disabled={!hasToken}>
          {newPasswordFields('new_password', 'New password')}
          <button type="submit" class="btn btn-primary w-100">
            Set the password
          </button>
        </fieldset>
      </form>
    </>,
  );
}
