import { h } from './dom.js';

// Short confirmations: a Bootstrap toast in the corner, announced politely to screen readers, and the
// same on the next page for actions that end in a navigation (registering, publishing, deleting).

const FLASH_KEY = 'flash';

function container(): HTMLElement {
  const existing = document.getElementById('toasts');
  if (existing) return existing;
  const created = h('div', {
    id: 'toasts',
    class: 'toast-container position-fixed bottom-0 end-0 p-3',
    role: 'status',
    'aria-live': 'polite',
  });
  document.body.append(created);
  return created;
}

export function showToast(message: string): void {
  const close = h('button', {
    type: 'button',
    class: 'btn-close btn-close-white me-2 m-auto',
    'data-bs-dismiss': 'toast',
    'aria-label': 'Close',
  });
  const toast = h(
    'div',
    { class: 'toast align-items-center text-bg-success border-0', 'aria-atomic': 'true' },
    h('div', { class: 'd-flex' }, h('div', { class: 'toast-body' }, message), close),
  );
  toast.addEventListener('hidden.bs.toast', () => toast.remove());
  container().append(toast);
  window.bootstrap.Toast.getOrCreateInstance(toast, { delay: 6000 }).show();
}

/** Shows `message` on the next page this tab opens (the action navigates away). */
export function flashOnNextPage(message: string): void {
  try {
    sessionStorage.setItem(FLASH_KEY, message);
  } catch {
    // Storage refused (a private window): the confirmation is lost, the action is not.
  }
}

/** Shows the message left by the previous page, once. */
export function showFlash(): void {
  let message: string | null = null;
  try {
    message = sessionStorage.getItem(FLASH_KEY);
    sessionStorage.removeItem(FLASH_KEY);
  } catch {
    return;
  }
  if (message) showToast(message);
}
