import { ApiError, api } from './api.js';
import { forgetToken, onTokenChange, storedToken } from './token.js';

export { storeToken, forgetToken } from './token.js';

/**
 * What the layout needs of the signed-in user, from `GET /api/users/me` (the users feature's answer
 * has more: a page that needs it asks `currentUser<UserPrivate>()`).
 */
export interface CurrentUser {
  id: number;
  username: string;
}

let cached: Promise<CurrentUser | null> | undefined;
onTokenChange(() => (cached = undefined));

/**
 * The signed-in user, asked of the API once per page: concurrent callers share the one request. A token
 * the API rejects is dropped (by `api()`), and the answer is null.
 */
export function currentUser<User extends CurrentUser = CurrentUser>(): Promise<User | null> {
  cached ??= loadCurrentUser();
  return cached as Promise<User | null>;
}

async function loadCurrentUser(): Promise<CurrentUser | null> {
  if (!storedToken()) return null;
  try {
    return await api<CurrentUser>('/api/users/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** After a change of profile: the next `currentUser()` answers with it. */
export function rememberUser(user: CurrentUser): void {
  cached = Promise.resolve(user);
}

export function logout(): void {
  forgetToken();
  window.location.assign('/');
}
