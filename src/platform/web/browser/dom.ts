export { formatPostDate } from '../dates.js';

type Attributes = Record<string, string | number | boolean | undefined>;

/**
 * Builds an element. Text goes in through `textContent`, attributes through `setAttribute`: user data
 * never passes through an HTML parser.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** The element with this id; a missing one is a bug in the page, reported at once. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

interface ValidationIssue {
  loc?: (string | number)[];
  msg?: string;
}

/** A readable message from an API error body: `detail` is a string, or FastAPI's list of issues. */
export function errorMessage(body: unknown, fallback = 'Something went wrong. Please try again.'): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const lines = (detail as ValidationIssue[]).map((issue) => {
      const field = issue.loc
        ?.filter((part) => part !== 'body' && part !== 'query' && part !== 'path')
        .join('.');
      return field ? `${field}: ${issue.msg ?? 'invalid'}` : (issue.msg ?? 'invalid');
    });
    if (lines.length > 0) return lines.join('\n');
  }
  return fallback;
}

export function modal(id: string): BootstrapModal {
  return window.bootstrap.Modal.getOrCreateInstance(byId(id));
}

function showMessage(id: string, message: string): void {
  const text = byId(id).querySelector('[data-role="message"]');
  if (text) text.textContent = message;
  modal(id).show();
}

export const showError = (message: string) => showMessage('errorModal', message);
export const showSuccess = (message: string) => showMessage('successModal', message);

/** Runs a form's submit handler with the submit button disabled, showing any error in the error modal. */
export function onSubmit(form: HTMLFormElement, handler: (data: FormData) => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll<HTMLButtonElement>('button[type="submit"]');
    buttons.forEach((button) => (button.disabled = true));
    handler(new FormData(form))
      .catch((error: unknown) => showError(error instanceof Error ? error.message : String(error)))
      .finally(() => buttons.forEach((button) => (button.disabled = false)));
  });
}

export function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}
