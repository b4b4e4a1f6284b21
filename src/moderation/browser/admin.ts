// The admin page: accounts (searched by name or email) with their role and suspension controls, and
// the moderation log, all through the admin API. The page is the same for every visitor; this module
// works out who is reading it.
import type { AdminUser, LogEntry, LogPage } from '../moderation.schemas.js';
import type { UserPrivate } from '../../users/users.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, h, smallAvatar, modal, showError } from '../../platform/web/browser/dom.js';
import { currentUser } from '../../platform/web/browser/session.js';
import { showToast } from '../../platform/web/browser/toasts.js';

const ACCOUNTS_PER_PAGE = 20;
const LOG_PER_PAGE = 20;

const ROLE_WORDS: Record<AdminUser['role'], string> = {
  user: 'a user',
  moderator: 'a moderator',
  admin: 'an admin',
};

const ACTION_WORDS: Record<LogEntry['action'], string> = {
  delete_post: 'deleted a post by',
  delete_comment: 'deleted a comment by',
  set_role: 'changed the role of',
  suspend: 'suspended',
  restore: 'restored',
};

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

const report = (error: unknown) => showError(error instanceof Error ? error.message : String(error));

const patch = (userId: number, change: { role?: AdminUser['role']; suspended?: boolean }) =>
  api<AdminUser>(`/api/admin/users/${userId}`, { method: 'PATCH', json: change });

// --- The moderation log -------------------------------------------------------------------------

const logList = byId('logList');
const logMore = byId<HTMLButtonElement>('logMore');
let logSkip = 0;

function logItem(entry: LogEntry): HTMLElement {
  return h(
    'li',
    { class: 'list-group-item small log-entry', 'data-action': entry.action },
    h(
      'p',
      { class: 'mb-0 text-break' },
      h('strong', {}, entry.actor.username),
      ` ${ACTION_WORDS[entry.action]} `,
      h('strong', {}, entry.target.username),
    ),
    h(
      'p',
      { class: 'mb-0 text-body-secondary text-break' },
      entry.subject.replace(' -> ', ' → '),
      ' · ',
      h('time', { datetime: entry.created_at }, when(entry.created_at)),
    ),
  );
}

/** The next page of the log, or (`fromStart`) its first page again, after an action. */
async function loadLog(fromStart = false): Promise<void> {
  if (fromStart) logSkip = 0;
  logMore.disabled = true;
  try {
    const page = await api<LogPage>(`/api/admin/log?skip=${logSkip}&limit=${LOG_PER_PAGE}`);
    const items = page.entries.map(logItem);
    if (fromStart) logList.replaceChildren(...items);
    else logList.append(...items);
    logSkip += page.entries.length;
    logMore.hidden = !page.has_more;
    byId('logEmpty').hidden = logList.childElementCount > 0;
  } finally {
    logMore.disabled = false;
  }
}

// --- Accounts -----------------------------------------------------------------------------------

const accountList = byId('accountList');
const accountMore = byId<HTMLButtonElement>('accountMore');
const roleOptions = byId<HTMLTemplateElement>('roleOptions');
let query = '';
let accountSkip = 0;
/** The account the suspension dialog asks about, and what to do once confirmed. */
let pendingSuspension: (() => Promise<void>) | undefined;

/**
 * One account with its controls: a role menu whose Save button shows once another role is chosen, and
 * Suspend (after a confirmation) or Restore. The admin reading gets none for themself (the API
 * refuses an admin's change of their own standing).
 */
function accountItem(initial: AdminUser, me: number): HTMLElement {
  let user = initial;
  const self = user.id === me;
  const nameId = `account-${user.id}-name`;
  const roleId = `account-${user.id}-role`;

  const status = h('span', { class: 'badge text-bg-danger ms-2', hidden: !user.suspended }, 'Suspended');
  const select = h('select', { class: 'form-select form-select-sm w-auto', id: roleId, name: 'role' });
  select.append(roleOptions.content.cloneNode(true));
  select.value = user.role;
  const saveRole = h(
    'button',
    { type: 'button', class: 'btn btn-sm btn-outline-primary', 'aria-describedby': nameId, hidden: true },
    'Save role',
  );
  const suspension = h('button', { type: 'button', class: 'btn btn-sm', 'aria-describedby': nameId });

  const show = (next: AdminUser) => {
    user = next;
    status.hidden = !user.suspended;
    select.value = user.role;
    saveRole.hidden = true;
    saveRole.disabled = false;
    suspension.textContent = user.suspended ? 'Restore' : 'Suspend';
    suspension.className = `btn btn-sm ${user.suspended ? 'btn-outline-secondary' : 'btn-outline-danger'}`;
    suspension.disabled = false;
  };

  select.addEventListener('change', () => (saveRole.hidden = select.value === user.role));
  saveRole.addEventListener('click', () => {
    saveRole.disabled = true;
    patch(user.id, { role: select.value as AdminUser['role'] })
      .then(async (changed) => {
        show(changed);
        select.focus();
        showToast(`${changed.username} is now ${ROLE_WORDS[changed.role]}.`);
        await loadLog(true);
      })
      .catch((error: unknown) => {
        show(user);
        report(error);
      });
  });

  suspension.addEventListener('click', () => {
    if (user.suspended) {
      suspension.disabled = true;
      patch(user.id, { suspended: false })
        .then(async (changed) => {
          show(changed);
          showToast(`${changed.username} is restored and may log in again.`);
          await loadLog(true);
        })
        .catch((error: unknown) => {
          show(user);
          report(error);
        });
      return;
    }
    byId('suspendModalTitle').textContent = `Suspend ${user.username}?`;
    pendingSuspension = async () => {
      const changed = await patch(user.id, { suspended: true });
      show(changed);
      showToast(`${changed.username} is suspended and signed out everywhere.`);
      await loadLog(true);
    };
    modal('suspendModal').show();
  });

  show(user);
  return h(
    'li',
    { class: 'list-group-item account', 'data-user-id': user.id },
    h(
      'div',
      { class: 'd-flex align-items-center gap-2 mb-2 min-w-0' },
      smallAvatar(user.image_path),
      h(
        'div',
        { class: 'min-w-0' },
        h(
          'p',
          { class: 'mb-0 text-break' },
          h(
            'a',
            { class: 'author-link fw-semibold', id: nameId, href: `/users/${user.id}/posts` },
            user.username,
          ),
          self ? h('span', { class: 'text-body-secondary' }, ' (you)') : null,
          status,
        ),
        h(
          'p',
          { class: 'small text-body-secondary mb-0 text-break' },
          `${user.email} · ${user.posts} ${user.posts === 1 ? 'post' : 'posts'} · joined ${day(user.created_at)}`,
        ),
      ),
    ),
    self
      ? h('p', { class: 'small text-body-secondary mb-0' }, 'Another admin changes your own role or access.')
      : h(
          'div',
          { class: 'd-flex flex-wrap align-items-center gap-2 account-controls' },
          h('label', { class: 'visually-hidden', for: roleId }, `Role of ${user.username}`),
          select,
          saveRole,
          suspension,
        ),
  );
}

async function loadAccounts(me: number, fromStart = false): Promise<void> {
  if (fromStart) accountSkip = 0;
  accountMore.disabled = true;
  try {
    const params = new URLSearchParams({ skip: String(accountSkip), limit: String(ACCOUNTS_PER_PAGE + 1) });
    if (query) params.set('q', query);
    const found = await api<AdminUser[]>(`/api/admin/users?${params}`);
    const shown = found.slice(0, ACCOUNTS_PER_PAGE).map((user) => accountItem(user, me));
    if (fromStart) accountList.replaceChildren(...shown);
    else accountList.append(...shown);
    accountSkip += shown.length;
    accountMore.hidden = found.length <= ACCOUNTS_PER_PAGE;
    byId('accountEmpty').hidden = accountList.childElementCount > 0;
  } finally {
    accountMore.disabled = false;
  }
}

// --- The page -----------------------------------------------------------------------------------

byId('confirmSuspend').addEventListener('click', () => {
  const suspend = pendingSuspension;
  pendingSuspension = undefined;
  modal('suspendModal').hide();
  suspend?.().catch(report);
});
byId('suspendModal').addEventListener('hidden.bs.modal', () => (pendingSuspension = undefined));

const reader = await currentUser<UserPrivate>().catch(() => null);
byId('adminLoading').hidden = true;
if (!reader) {
  window.location.assign('/login?next=/admin');
} else if (reader.role !== 'admin') {
  byId('adminRefused').hidden = false;
} else {
  const me = reader.id;
  byId<HTMLFormElement>('accountSearch').addEventListener('submit', (event) => {
    event.preventDefault();
    query = byId<HTMLInputElement>('accountQuery').value.trim();
    loadAccounts(me, true).catch(report);
  });
  accountMore.addEventListener('click', () => void loadAccounts(me).catch(report));
  logMore.addEventListener('click', () => void loadLog().catch(report));
  await Promise.all([loadAccounts(me, true), loadLog(true)]).catch(report);
  byId('admin').hidden = false;
}
