import { Type } from 'typebox';
import { StoredText } from '../http/schemas.js';

export const Username = StoredText({ minLength: 1, maxLength: 50 });
export const Email = Type.String({ format: 'email', maxLength: 120 });
export const NewPassword = StoredText({ minLength: 8, maxLength: 256 });

const publicFields = {
  id: Type.Integer(),
  username: Type.String(),
  image_file: Type.Union([Type.String(), Type.Null()]),
  image_path: Type.String({ description: 'URL of the profile picture, or of the default avatar' }),
};

export const UserPublic = Type.Object(publicFields, { title: 'UserPublic' });
export const UserPrivate = Type.Object({ ...publicFields, email: Type.String() }, { title: 'UserPrivate' });

export const UserCreate = Type.Object({ username: Username, email: Email, password: NewPassword });

export const UserUpdate = Type.Object({
  username: Type.Optional(Type.Union([Username, Type.Null()])),
  email: Type.Optional(Type.Union([Email, Type.Null()])),
});
