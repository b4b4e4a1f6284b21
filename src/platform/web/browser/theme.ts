type Theme = 'light' | 'dark' | 'auto';

const KEY = 'theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

function storedTheme(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'auto';
}

function apply(theme: Theme): void {
  const resolved = theme === 'auto' ? (systemDark.matches ? 'dark' : 'light') : theme;
  document.documentElement.setAttribute('data-bs-theme', resolved);
  document.querySelectorAll<HTMLElement>('[data-theme-value]').forEach((button) => {
    const active = button.dataset.themeValue === theme;
    button.classList.toggle('active', active);
    button.setAttribute('aria-pressed', String(active));
  });
}

/** Light, Dark or Auto, kept in localStorage; Auto follows the system setting as it changes. */
export function setUpThemeMenu(): void {
  apply(storedTheme());
  systemDark.addEventListener('change', () => apply(storedTheme()));
  document.querySelectorAll<HTMLElement>('[data-theme-value]').forEach((button) => {
    button.addEventListener('click', () => {
      const theme = (button.dataset.themeValue ?? 'auto') as Theme;
      if (theme === 'auto') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, theme);
      apply(theme);
    });
  });
}
