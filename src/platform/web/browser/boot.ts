// Runs in <head> as a classic script, before the first paint: it applies the stored theme (no flash of
// the wrong colours) and guesses the signed-in state from the stored token (no flash of the wrong
// navbar links). `layout.ts` confirms the guess with the API.
(() => {
  const root = document.documentElement;
  let stored: string | null = null;
  let hasToken = false;
  try {
    stored = localStorage.getItem('theme');
    hasToken = localStorage.getItem('access_token') !== null;
  } catch {
    // Storage can be off (private modes); the defaults stand.
  }
  const prefersDark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  const theme = stored === 'light' || stored === 'dark' ? stored : prefersDark ? 'dark' : 'light';
  root.setAttribute('data-bs-theme', theme);
  root.setAttribute('data-session', hasToken ? 'signed-in' : 'signed-out');
})();
