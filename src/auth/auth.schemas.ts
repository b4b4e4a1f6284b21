import { Type, type Static } from 'typebox';
import { StoredText } from '../platform/http/schemas.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../users/limits.js';
import { Email, Username } from '../users/users.schemas.js';

export const NewPassword = StoredText({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH });

export const Registration = Type.Object({ username: Username, email: Email, password: NewPassword });

export const Token = Type.Object(
  { access_token: Type.String(), token_type: Type.Literal('bearer') },
  { title: 'Token' },
);

// OAuth2's password grant, as FastAPI's OAuth2PasswordRequestForm: `username` holds the email.
export const LoginForm = Type.Object({
  username: StoredText({ maxLength: 320 }),
  password: Type.String({ maxLength: 4096 }),
  grant_type: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
});

export const ForgotPassword = Type.Object({ email: Email });
export const ResetPassword = Type.Object({
  token: Type.String({ maxLength: 512 }),
  new_password: NewPassword,
});
export const ChangePassword = Type.Object({
  current_password: Type.String({ maxLength: 4096 }),
  new_password: NewPassword,
});
export const PasswordChanged = Type.Object({
  message: Type.String(),
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
});

export type Registration = Static<typeof Registration>;
