/**
 * Who may do more than their own things: moderators remove anyone's posts and comments; admins also
 * change roles and suspend accounts. Each role has the rights of those before it.
 */
export const ROLES = ['user', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Whether someone of role `held` has the rights of `needed` (an admin is also a moderator). */
export function hasRole(user: { role: Role }, needed: Role): boolean {
  return ROLES.indexOf(user.role) >= ROLES.indexOf(needed);
}
