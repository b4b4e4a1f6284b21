// The signed-in user's access token, kept in localStorage. Whoever caches what the token stands for
// (session.ts) listens for changes.
const TOKEN_KEY = 'access_token';
const listeners = new Set<() => void>();

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
  listeners.forEach((listener) => listener());
}

export function forgetToken(): void {
  localStorage.removeItem(TOKEN_KEY);
  document.documentElement.setAttribute('data-session', 'signed-out');
  listeners.forEach((listener) => listener());
}

export function onTokenChange(listener: () => void): void {
  listeners.add(listener);
}
