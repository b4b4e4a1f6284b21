import { Type, type Static } from 'typebox';
import { StoredText } from '../platform/http/schemas.js';
import { EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH } from './limits.js';

export const Username = StoredText({ minLength: 1, maxLength: USERNAME_MAX_LENGTH });
export const Email = Type.String({ format: 'email', maxLength: EMAIL_MAX_LENGTH });

const publicFields = {
  id: Type.Integer(),
  username: Type.String(),
  image_file: Type.Union([Type.String(), Type.Null()]),
  image_path: Type.String({ description: 'URL of the profile picture, or of the default avatar' }),
};

export const UserPublic = Type.Object(publicFields, { title: 'UserPublic' });
export const UserPrivate = Type.Object({ ...publicFields, email: Type.String() }, { title: 'UserPrivate' });

export const UserUpdate = Type.Object({
  username: Type.Optional(Type.Union([Username, Type.Null()])),
  email: Type.Optional(Type.Union([Email, Type.Null()])),
});

export type UserPublic = Static<typeof UserPublic>;
export type UserPrivate = Static<typeof UserPrivate>;
export type UserUpdate = Static<typeof UserUpdate>;
