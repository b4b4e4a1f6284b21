// Errors shown on the fields of a form (Bootstrap's `is-invalid` and the `invalid-feedback` that the
// Field component renders under each input), in words a person reads: the page's own checks before a
// form is sent, and the API's 422 issues after.

/** Thrown by a submit handler for errors it found itself: field name to message. */
export class FieldErrors extends Error {
  constructor(readonly fields: Record<string, string>) {
    super(Object.values(fields).join('\n'));
  }
}

interface Issue {
  type?: string;
  loc?: (string | number)[];
  msg?: string;
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function controlOf(form: HTMLFormElement, name: string): Control | null {
  const control = form.elements.namedItem(name);
  return control instanceof HTMLInputElement ||
    control instanceof HTMLTextAreaElement ||
    control instanceof HTMLSelectElement
    ? control
    : null;
}

/** The words of a field's label, without notes such as "(at least 8 characters)". */
function labelOf(control: Control): string {
  const label = control.labels?.[0]?.querySelector('span')?.textContent ?? control.labels?.[0]?.textContent;
  return (label ?? control.name).replace(/\s*\(.*\)\s*$/, '').trim();
}

function feedbackOf(form: HTMLFormElement, control: Control): HTMLElement | null {
  return (
    form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(control.name)}"]`) ??
    (control.id ? document.getElementById(`${control.id}Error`) : null)
  );
}

export function clearFieldErrors(form: HTMLFormElement): void {
  form.querySelectorAll('.is-invalid').forEach((element) => {
    element.classList.remove('is-invalid');
    element.removeAttribute('aria-invalid');
  });
  form.querySelectorAll<HTMLElement>('[data-error-for]').forEach((feedback) => (feedback.textContent = ''));
}

/**
 * Marks each named field with its message and moves focus to the first; returns the names that match
 * no field of the form, for the caller to show another way.
 */
export function showFieldErrors(form: HTMLFormElement, errors: Record<string, string>): string[] {
  const unplaced: string[] = [];
  let first: Control | undefined;
  for (const [name, message] of Object.entries(errors)) {
    const control = controlOf(form, name);
    const feedback = control && feedbackOf(form, control);
    if (!control || !feedback) {
      unplaced.push(name);
      continue;
    }
    control.classList.add('is-invalid');
    control.setAttribute('aria-invalid', 'true');
    feedback.textContent = message;
    first ??= control;
  }
  first?.focus();
  return unplaced;
}

/**
 * The page's checks before sending: required fields filled in, email addresses shaped like one, and
 * the lengths the inputs declare. The forms are `novalidate`, so these messages replace the browser's.
 */
export function checkFields(form: HTMLFormElement): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const element of Array.from(form.elements)) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) continue;
    if (element.disabled || element.type === 'file' || element.name === '' || errors[element.name]) continue;
    const value = element.value.trim();
    const label = labelOf(element);
    if (element.required && value === '') {
      errors[element.name] = /^confirm/i.test(label)
        ? 'Type the password again.'
        : `Enter your ${label.toLowerCase()}.`;
    } else if (value === '') continue;
    else if (element.type === 'email' && !/^[^\s@]+@[^\s@]+$/.test(value)) {
      errors[element.name] = 'Enter an email address such as name@example.com.';
    } else if (element.minLength > 0 && element.value.length < element.minLength) {
      errors[element.name] = `${label} needs at least ${element.minLength} characters.`;
    }
  }
  return errors;
}

const FIELD_NAMES: Record<string, string> = { new_password: 'new password', current_password: 'password' };

/** One 422 issue in words a person reads. */
export function readableIssue(issue: Issue): string {
  const field = String(issue.loc?.at(-1) ?? 'this field');
  const name = FIELD_NAMES[field] ?? field.replaceAll('_', ' ');
  const count = /(\d+)/.exec(issue.msg ?? '')?.[1];
  switch (issue.type) {
    case 'missing':
      return `Enter your ${name}.`;
    case 'string_too_short':
      return count === '1' ? `Enter your ${name}.` : `Use at least ${count ?? 'more'} characters.`;
    case 'string_too_long':
      return `Use at most ${count ?? 'fewer'} characters.`;
    case 'string_pattern_mismatch':
      return 'Some characters here are not allowed.';
  }
  const message = issue.msg ?? 'This value is not accepted.';
  if (/email/i.test(message)) return 'Enter an email address such as name@example.com.';
  const sentence = message.replace(/^Value error,\s*/, '');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1) + (/[.!?]$/.test(sentence) ? '' : '.');
}

/** The 422 issues of an API error body, by field name (the last part of each `loc`); others apart. */
export function issuesByField(body: unknown): { fields: Record<string, string>; other: string[] } {
  const detail = (body as { detail?: unknown } | null)?.detail;
  const fields: Record<string, string> = {};
  const other: string[] = [];
  if (!Array.isArray(detail)) return { fields, other };
  for (const issue of detail as Issue[]) {
    const last = issue.loc?.at(-1);
    if (issue.loc?.[0] === 'body' && typeof last === 'string' && fields[last] === undefined) {
      fields[last] = readableIssue(issue);
    } else other.push(readableIssue(issue));
  }
  return { fields, other };
}

export const PASSWORDS_DIFFER = 'The two passwords differ.';

/** Whether the password and its confirmation (the field `confirm`) match; marks the confirmation if not. */
export function confirmationMatches(form: HTMLFormElement, data: FormData, passwordName: string): boolean {
  if (data.get(passwordName) === data.get('confirm')) return true;
  showFieldErrors(form, { confirm: PASSWORDS_DIFFER });
  return false;
}
