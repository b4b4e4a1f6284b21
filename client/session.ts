import type { UserPrivateView } from '../src/shared/api-types.js';

export type CurrentUser = UserPrivateView;

const TOKEN_KEY = 'access_token';

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
  cached = undefined;
}

export function forgetToken(): void {
  localStorage.removeItem(TOKEN_KEY);
  cached = Promise.resolve(null);
  document.documentElement.setAttribute('data-session', 'signed-out');
}

let cached: Promise<CurrentUser | null> | undefined;

/**
 * The signed-in user, asked of the API once per page: concurrent callers share the one request. A token
 * the API rejects is dropped, and the answer is null.
 */
export function currentUser(): Promise<CurrentUser | null> {
  cached ??= loadCurrentUser();
  return cached;
}

async function loadCurrentUser(): Promise<CurrentUser | null> {
  const token = storedToken();
  if (!token) return null;
  const response = await fetch('/api/users/me', {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  if (response.status === 401) {
    forgetToken();
    return null;
  }
  if (!response.ok) throw new Error(`GET /api/users/me answered ${response.status}`);
  return (await response.json()) as CurrentUser;
}

/** After a change of profile: the next `currentUser()` reads it anew. */
export function rememberUser(user: CurrentUser): void {
  cached = Promise.resolve(user);
}

export function logout(): void {
  forgetToken();
  window.location.assign('/');
}
