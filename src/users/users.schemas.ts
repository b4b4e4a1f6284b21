import { Type, type Static } from 'typebox';
import { StoredText } from '../platform/http/schemas.js';
import { BIO_MAX_LENGTH, EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH } from './limits.js';
import { ROLES } from './roles.js';

export const Username = StoredText({ minLength: 1, maxLength: USERNAME_MAX_LENGTH });
export const Email = Type.String({ format: 'email', maxLength: EMAIL_MAX_LENGTH });
export const Bio = StoredText({ maxLength: BIO_MAX_LENGTH, description: 'A few words about them' });
export const Role = Type.Enum(ROLES);

const publicFields = {
  id: Type.Integer(),
  username: Type.String(),
  image_file: Type.Union([Type.String(), Type.Null()]),
  image_path: Type.String({ description: 'URL of the profile picture, or of the default avatar' }),
  bio: Type.Union([Type.String(), Type.Null()]),
};

export const UserPublic = Type.Object(publicFields, { title: 'UserPublic' });
export const UserPrivate = Type.Object(
  { ...publicFields, email: Type.String(), role: Role },
  { title: 'UserPrivate' },
);

/** `GET /api/users/{id}`: the public fields with the counts and whether the caller follows them. */
export const UserProfile = Type.Object(
  {
    ...publicFields,
    role: Role,
    followers: Type.Integer(),
    following: Type.Integer(),
    posts: Type.Integer({ description: 'Number of published posts' }),
    followed: Type.Boolean({ description: 'Whether the caller follows them (false when signed out)' }),
  },
  { title: 'UserProfile' },
);

export const UserUpdate = Type.Object({
  username: Type.Optional(Type.Union([Username, Type.Null()])),
  email: Type.Optional(Type.Union([Email, Type.Null()])),
  bio: Type.Optional(Type.Union([Bio, Type.Null()], { description: 'An empty string clears it' })),
});

export type UserPublic = Static<typeof UserPublic>;
export type UserPrivate = Static<typeof UserPrivate>;
export type UserUpdate = Static<typeof UserUpdate>;
export type UserProfile = Static<typeof UserProfile>;
