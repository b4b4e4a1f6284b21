import { Type, type Static } from 'typebox';
import { OffsetQuery } from '../platform/http/schemas.js';
import { Role } from '../users/users.schemas.js';
import { MODERATION_ACTIONS } from './moderation.table.js';

/** An account as admins see it. */
export const AdminUser = Type.Object(
  {
    id: Type.Integer(),
    username: Type.String(),
    email: Type.String(),
    image_path: Type.String(),
    role: Role,
    suspended: Type.Boolean(),
    posts: Type.Integer(),
    followers: Type.Integer(),
    created_at: Type.String({ format: 'date-time' }),
  },
  { title: 'AdminUser' },
);

export const AdminUsersQuery = Type.Object({
  ...OffsetQuery(50).properties,
  q: Type.Optional(Type.String({ maxLength: 120, description: 'Part of the name or email, any case' })),
});

export const StandingChange = Type.Object({
  role: Type.Optional(Role),
  suspended: Type.Optional(
    Type.Boolean({ description: 'true suspends (and revokes every token); false restores' }),
  ),
});

const Party = Type.Object({
  id: Type.Union([Type.Integer(), Type.Null()], { description: 'Null once the account is deleted' }),
  username: Type.String(),
});

export const LogEntry = Type.Object(
  {
    id: Type.Integer(),
    actor: Party,
    action: Type.Enum(MODERATION_ACTIONS),
    target: Party,
    subject: Type.String({ description: 'What was acted on, in words' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { title: 'ModerationLogEntry' },
);

export const LogPage = Type.Object(
  {
    entries: Type.Array(LogEntry),
    total: Type.Integer(),
    skip: Type.Integer(),
    limit: Type.Integer(),
    has_more: Type.Boolean(),
  },
  { title: 'ModerationLogPage' },
);

export const LogQuery = OffsetQuery(50);

export type AdminUser = Static<typeof AdminUser>;
export type AdminUsersQuery = Static<typeof AdminUsersQuery>;
export type StandingChange = Static<typeof StandingChange>;
export type LogEntry = Static<typeof LogEntry>;
export type LogPage = Static<typeof LogPage>;
