import { checkFields, clearFieldErrors, FieldErrors, issuesByField, showFieldErrors } from './forms.js';

export { formatPostDate } from '../dates.js';

/**
 * A moment in the reader's own time zone and words ("Dec 2, 2026, 6:30 PM"): when a scheduled post
 * publishes. Only the browser knows the reader's zone, so the server never draws these.
 */
export const formatLocalTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

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

/** The small avatar of a list or byline: the same markup as the server's `<Avatar size={32} />`. */
export function smallAvatar(src: string): HTMLImageElement {
  return h('img', {
    class: 'avatar-sm rounded-circle flex-shrink-0',
    src,
    alt: '',
    width: 32,
    height: 32,
    loading: 'lazy',
  });
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

/**
 * Shows what went wrong with a form: the page's own field errors and the API's 422 issues on their
 * fields, anything else (and issues about no field of the form) in the error modal.
 */
export function reportFormError(form: HTMLFormElement, error: unknown): void {
  let fields: Record<string, string> = {};
  let other: string[] = [];
  if (error instanceof FieldErrors) fields = error.fields;
  else if ((error as { status?: number }).status === 422) {
    ({ fields, other } = issuesByField((error as { body?: unknown }).body));
  } else {
    showError(error instanceof Error ? error.message : String(error));
    return;
  }
  const unplaced = showFieldErrors(form, fields).map((name) => fields[name] ?? '');
  const rest = [...unplaced, ...other];
  if (rest.length > 0) showError(rest.join('\n'));
}

/**
 * Runs a form's submit handler with the submit button disabled. Empty required fields and the like are
 * marked on their fields before anything is sent; errors of the handler go through `reportFormError`.
 */
export function onSubmit(form: HTMLFormElement, handler: (data: FormData) => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const problems = checkFields(form);
    if (Object.keys(problems).length > 0) {
      showFieldErrors(form, problems);
      return;
    }
    const buttons = form.querySelectorAll<HTMLButtonElement>('button[type="submit"]');
    buttons.forEach((button) => (button.disabled = true));
    handler(new FormData(form))
      .catch((error: unknown) => reportFormError(form, error))
      .finally(() => buttons.forEach((button) => (button.disabled = false)));
  });
}

export function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}
