// Bootstrap focuses a dialog itself when it opens and leaves focus on the page body when it closes
// (unless it was opened by a `data-bs-toggle` button). Every dialog of the site instead focuses its
// first field, and gives focus back to whatever opened it when it closes, by Escape or otherwise.

const FIRST_FIELD =
  'input:not([type="hidden"]):not([disabled]), textarea:not([disabled]), select:not([disabled])';

const openers = new WeakMap<Element, HTMLElement>();

export function setUpModalFocus(): void {
  document.addEventListener('show.bs.modal', (event) => {
    const active = document.activeElement;
    if (active instanceof HTMLElement && active !== document.body && event.target instanceof Element) {
      openers.set(event.target, active);
    }
  });
  document.addEventListener('shown.bs.modal', (event) => {
    const field = (event.target as Element).querySelector<HTMLElement>(`.modal-body ${FIRST_FIELD}`);
    field?.focus();
  });
  document.addEventListener('hidden.bs.modal', (event) => {
    const opener = openers.get(event.target as Element);
    openers.delete(event.target as Element);
    // Focus already moved somewhere on purpose (another dialog, a field with an error) stays there;
    // focus still inside the hidden dialog (the browser moves it out only at the next paint) is lost.
    const active = document.activeElement;
    const focusIsLost =
      active === null || active === document.body || (event.target as Element).contains(active);
    if (opener?.isConnected && focusIsLost) opener.focus();
  });
}
