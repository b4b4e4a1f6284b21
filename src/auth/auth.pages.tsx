import type { PropsWithChildren } from '@kitajs/html';
import { Layout } from '../web/layout.js';

function Field(props: {
  id: string;
  label: string;
  type: string;
  name: string;
  autocomplete: string;
  minlength?: string;
}) {
  return (
    <div class="mb-3">
      <label for={props.id} class="form-label" safe>
        {props.label}
      </label>
      <input
        class="form-control"
        id={props.id}
        type={props.type}
        name={props.name}
        autocomplete={props.autocomplete}
        minlength={props.minlength}
        required
      />
    </div>
  );
}

function FormPage({ title, page, children }: PropsWithChildren<{ title: string; page: string }>) {
  return (
    <Layout title={title} page={page}>
      <div class="row justify-content-center">
        <div class="col-sm-10 col-md-7 col-lg-5">
          <h1 class="h3 mb-4" safe>
            {title}
          </h1>
          {children}
        </div>
      </div>
    </Layout>
  );
}

export function LoginPage() {
  return (
    <FormPage title="Log in" page="login">
      <form id="loginForm" novalidate>
        <Field id="emailInput" label="Email" type="email" name="username" autocomplete="email" />
        <Field
          id="passwordInput"
          label="Password"
          type="password"
          name="password"
          autocomplete="current-password"
        />
        <button type="submit" class="btn btn-primary w-100 mb-3">
          Log in
        </button>
        <p class="small">
          <a href="/forgot-password">Forgot your password?</a> · <a href="/register">Create an account</a>
        </p>
      </form>
    </FormPage>
  );
}

export function RegisterPage() {
  return (
    <FormPage title="Register" page="register">
      <form id="registerForm" novalidate>
        <Field id="usernameInput" label="Username" type="text" name="username" autocomplete="username" />
        <Field id="emailInput" label="Email" type="email" name="email" autocomplete="email" />
        <Field
          id="passwordInput"
          label="Password (at least 8 characters)"
          type="password"
          name="password"
          autocomplete="new-password"
          minlength="8"
        />
        <Field
          id="confirmInput"
          label="Confirm password"
          type="password"
          name="confirm"
          autocomplete="new-password"
          minlength="8"
        />
        <button type="submit" class="btn btn-primary w-100 mb-3">
          Register
        </button>
        <p class="small">
          Already registered? <a href="/login">Log in</a>
        </p>
      </form>
    </FormPage>
  );
}

export function ForgotPasswordPage() {
  return (
    <FormPage title="Forgot password" page="forgot-password">
      <p>Type the email of your account: we send a link to choose a new password.</p>
      <form id="forgotForm" novalidate>
        <Field id="emailInput" label="Email" type="email" name="email" autocomplete="email" />
        <button type="submit" class="btn btn-primary w-100">
          Send the link
        </button>
      </form>
    </FormPage>
  );
}

export function ResetPasswordPage({ hasToken }: { hasToken: boolean }) {
  return (
    <FormPage title="Choose a new password" page="reset-password">
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
          <Field
            id="passwordInput"
            label="New password (at least 8 characters)"
            type="password"
            name="new_password"
            autocomplete="new-password"
            minlength="8"
          />
          <Field
            id="confirmInput"
            label="Confirm password"
            type="password"
            name="confirm"
            autocomplete="new-password"
            minlength="8"
          />
          <button type="submit" class="btn btn-primary w-100">
            Set the password
          </button>
        </fieldset>
      </form>
    </FormPage>
  );
}
