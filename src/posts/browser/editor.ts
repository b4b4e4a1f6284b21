import type { TagList } from '../../tags/tags.schemas.js';
import type { PostDetail, PostPreview, PostStatus } from '../posts.schemas.js';
import { ApiError, api } from '../../platform/web/browser/api.js';
import { byId, formatLocalTime, h, showError } from '../../platform/web/browser/dom.js';
import { clearFieldErrors, issuesByField, showFieldErrors } from '../../platform/web/browser/forms.js';
import { currentUser } from '../../platform/web/browser/session.js';
import { flashOnNextPage } from '../../platform/web/browser/toasts.js';
import { postPath } from '../links.js';

// The editor of /editor (a new post) and /editor/{id}. What is typed is kept in this browser's storage
// on every change, until the server has it: a reload, a crash or a token that expired mid-edit loses
// nothing. The preview is the server's rendering (POST /api/posts/preview), never the browser's guess.

const form = byId<HTMLFormElement>('editorForm');
const titleInput = byId<HTMLInputElement>('titleInput');
const descriptionInput = byId<HTMLTextAreaElement>('descriptionInput');
const tagsInput = byId<HTMLInputElement>('tagsInput');
const tagSuggestions = byId<HTMLDataListElement>('tagSuggestions');
const contentInput = byId<HTMLTextAreaElement>('contentInput');
const publishAtInput = byId<HTMLInputElement>('publishAtInput');
const stateText = byId('editorState');
const notice = byId('editorNotice');
const discardButton = byId<HTMLButtonElement>('discardLocal');
const previewPane = byId('previewPane');
const previewContent = byId('previewContent');
const insertImageButton = byId<HTMLButtonElement>('insertImage');
const imageInput = byId<HTMLInputElement>('imageInput');
const buttons = {
  draft: byId<HTMLButtonElement>('saveDraft'),
  schedule: byId<HTMLButtonElement>('schedulePost'),
  publish: byId<HTMLButtonElement>('publishPost'),
};
type Action = keyof typeof buttons;

/** The form's fields as written; what is kept in storage and compared with the saved post. */
interface Written {
  title: string;
  description: string;
  /** As typed: names separated by commas. */
  tags: string;
  content: string;
  publish_at: string;
}

const sideBySide = window.matchMedia('(min-width: 992px)');
let postId = Number(/^\/editor\/(\d+)$/.exec(window.location.pathname)?.[1]) || null;
let status: PostStatus | null = null;
let saved: Written = { title: '', description: '', tags: '', content: '', publish_at: '' };

const storageKey = () => `editor:${postId ?? 'new'}`;

function written(): Written {
  return {
    title: titleInput.value,
    description: descriptionInput.value,
    tags: tagsInput.value,
    content: contentInput.value,
    publish_at: publishAtInput.value,
  };
}

function fill(values: Written): void {
  titleInput.value = values.title;
  descriptionInput.value = values.description;
  tagsInput.value = values.tags;
  contentInput.value = values.content;
  publishAtInput.value = values.publish_at;
}

const sameText = (a: Written, b: Written) =>
  a.title === b.title &&
  a.description === b.description &&
  a.tags === b.tags &&
  a.content === b.content &&
  a.publish_at === b.publish_at;

function keepLocally(): void {
  try {
    if (sameText(written(), saved)) localStorage.removeItem(storageKey());
    else localStorage.setItem(storageKey(), JSON.stringify({ ...written(), kept_at: Date.now() }));
  } catch {
    // Storage may be full or off; the text is still in the form.
  }
}

function localCopy(): (Written & { kept_at: number }) | null {
  try {
    const stored = localStorage.getItem(storageKey());
    // A copy kept before the editor had tags has none.
    if (!stored) return null;
    const copy = JSON.parse(stored) as Partial<Written> & { kept_at: number };
    return {
      ...copy,
      title: copy.title ?? '',
      description: copy.description ?? '',
      tags: copy.tags ?? '',
      content: copy.content ?? '',
      publish_at: copy.publish_at ?? '',
    };
  } catch {
    return null;
  }
}

function forgetLocalCopy(): void {
  try {
    localStorage.removeItem(storageKey());
  } catch {
    // Nothing to forget.
  }
}

/** `datetime-local` works in the reader's own time zone, the API in ISO 8601. */
function localInputValue(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function showNotice(message: Node | string, withDiscard = false): void {
  notice.querySelector('[data-role="message"]')!.replaceChildren(message);
  discardButton.hidden = !withDiscard;
  notice.hidden = false;
}

function showState(): void {
  const post = { draft: 'Draft', scheduled: 'Scheduled', published: 'Published' };
  stateText.textContent = status === null ? 'Not saved yet' : post[status];
  buttons.publish.textContent = status === 'published' ? 'Update' : 'Publish now';
  buttons.draft.textContent = status === 'published' ? 'Move to drafts' : 'Save draft';
  buttons.schedule.textContent = status === 'scheduled' ? 'Reschedule' : 'Schedule';
  byId('editorHeading').textContent = postId === null ? 'New post' : 'Edit post';
}

function loginAgainLink(): Node {
  const next = encodeURIComponent(window.location.pathname);
  return h(
    'span',
    {},
    'Your session has expired. Your text is kept on this device: ',
    h('a', { href: `/login?next=${next}` }, 'log in again'),
    ' and it will be here.',
  );
}

function reportFailure(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    showNotice(loginAgainLink());
    return;
  }
  if (error instanceof ApiError && error.status === 422) {
    const { fields, other } = issuesByField(error.body);
    const unplaced = showFieldErrors(form, fields).map((name) => fields[name]!);
    if (unplaced.length + other.length === 0) return;
    showError([...unplaced, ...other].join('\n'));
    return;
  }
  showError(error instanceof Error ? error.message : String(error));
}

/** Checks what the page can check itself; the server checks everything again. */
function validate(action: Action): boolean {
  clearFieldErrors(form);
  const errors: Record<string, string> = {};
  if (contentInput.value.trim() === '') errors.content = 'Write something first.';
  if (action === 'schedule') {
    const at = publishAtInput.value === '' ? NaN : new Date(publishAtInput.value).getTime();
    if (Number.isNaN(at)) errors.publish_at = 'Choose when to publish it.';
    else if (at <= Date.now()) errors.publish_at = 'Choose a time in the future.';
  }
  showFieldErrors(form, errors);
  return Object.keys(errors).length === 0;
}

async function save(action: Action): Promise<void> {
  if (!validate(action)) return;
  const wasPublished = status === 'published';
  const values = written();
  const body = {
    title: values.title.trim() === '' ? null : values.title.trim(),
    description: values.description.trim() === '' ? null : values.description.trim(),
    tags: tagNames(values.tags),
    content: values.content,
    ...(action === 'draft' && { status: 'draft' as const }),
    ...(action === 'publish' && { status: 'published' as const }),
    ...(action === 'schedule' && { publish_at: new Date(values.publish_at).toISOString() }),
  };
  keepLocally();
  const post = await api<PostDetail>(postId === null ? '/api/posts' : `/api/posts/${postId}`, {
    method: postId === null ? 'POST' : 'PATCH',
    json: body,
  });
  forgetLocalCopy();
  postId = post.id;
  status = post.status;
  saved = fromPost(post);
  fill(saved);
  window.history.replaceState(null, '', `/editor/${post.id}`);
  if (post.status === 'published' && action === 'publish') {
    flashOnNextPage(wasPublished ? 'Your changes are saved.' : 'Your post is published.');
    window.location.assign(postPath(post));
    return;
  }
  showState();
  notice.hidden = true;
  stateText.textContent =
    post.status === 'scheduled' && post.publish_at
      ? `Scheduled for ${formatLocalTime(post.publish_at)}`
      : `${post.status === 'draft' ? 'Draft saved' : 'Saved'} at ${new Date().toLocaleTimeString(undefined, { timeStyle: 'short' })}`;
}

function fromPost(post: PostDetail): Written {
  return {
    title: post.title ?? '',
    description: post.description ?? '',
    tags: post.tags.join(', '),
    content: post.content,
    publish_at: localInputValue(post.publish_at),
  };
}

/** The names typed, without blanks; the server normalises them and says what it refuses. */
const tagNames = (typed: string) =>
  typed
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

let suggestionRequest = 0;
/**
 * Offers the used tags that start with the name being typed (the text after the last comma), as whole
 * values of the field, so that picking one keeps the names before it.
 */
async function suggestTags(): Promise<void> {
  const request = ++suggestionRequest;
  const typed = tagsInput.value;
  const cut = typed.lastIndexOf(',') + 1;
  const prefix = typed.slice(cut).trim().toLowerCase();
  if (prefix === '') {
    tagSuggestions.replaceChildren();
    return;
  }
  try {
    const { tags } = await api<TagList>(`/api/tags?limit=8&q=${encodeURIComponent(prefix)}`);
    if (request !== suggestionRequest) return;
    const before = typed.slice(0, cut).trimEnd();
    const written = new Set(tagNames(typed.slice(0, cut)));
    tagSuggestions.replaceChildren(
      ...tags
        .filter((tag) => !written.has(tag.name))
        .map((tag) => h('option', { value: before === '' ? tag.name : `${before} ${tag.name}` })),
    );
  } catch {
    // Suggestions are a help, not a need: the field still takes what is typed.
  }
}

let previewRequest = 0;
async function refreshPreview(): Promise<void> {
  const request = ++previewRequest;
  const content = contentInput.value;
  if (content.trim() === '') {
    previewContent.replaceChildren(h('p', { class: 'text-body-secondary' }, 'Nothing to preview yet.'));
    return;
  }
  try {
    const preview = await api<PostPreview>('/api/posts/preview', { method: 'POST', json: { content } });
    if (request !== previewRequest) return;
    // Made by the server's renderer and allowlist, exactly as the post's page will show it.
    previewContent.innerHTML = preview.content_html;
  } catch (error) {
    reportFailure(error);
  }
}

const previewShown = () => sideBySide.matches || previewPane.classList.contains('active');
let previewTimer: ReturnType<typeof setTimeout> | undefined;
let keepTimer: ReturnType<typeof setTimeout> | undefined;
let suggestTimer: ReturnType<typeof setTimeout> | undefined;

form.addEventListener('input', (event) => {
  const input = event.target as HTMLInputElement | HTMLTextAreaElement;
  clearTimeout(keepTimer);
  keepTimer = setTimeout(keepLocally, 250);
  if (input === contentInput && previewShown()) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => void refreshPreview(), 400);
  }
  if (input === tagsInput) {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(() => void suggestTags(), 150);
  }
});
window.addEventListener('pagehide', keepLocally);
byId('previewTab').addEventListener('shown.bs.tab', () => void refreshPreview());

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const action = ((event.submitter as HTMLButtonElement | null)?.value ?? 'draft') as Action;
  const all = Object.values(buttons);
  all.forEach((button) => (button.disabled = true));
  save(action)
    .catch(reportFailure)
    .finally(() => all.forEach((button) => (button.disabled = false)));
});

discardButton.addEventListener('click', () => {
  forgetLocalCopy();
  fill(saved);
  notice.hidden = true;
  if (previewShown()) void refreshPreview();
});

function insertAtCursor(text: string): void {
  const { selectionStart: start, selectionEnd: end, value } = contentInput;
  const before = start > 0 && value[start - 1] !== '\n' ? '\n' : '';
  const after = value[end] !== undefined && value[end] !== '\n' ? '\n' : '';
  contentInput.focus();
  contentInput.setRangeText(`${before}${text}${after}`, start, end, 'end');
  contentInput.dispatchEvent(new Event('input', { bubbles: true }));
}

insertImageButton.addEventListener('click', () => imageInput.click());
imageInput.addEventListener('change', () => {
  const file = imageInput.files?.[0];
  if (!file) return;
  const upload = new FormData();
  upload.append('file', file);
  const label = insertImageButton.textContent;
  insertImageButton.disabled = true;
  insertImageButton.textContent = 'Uploading…';
  api<{ url: string }>('/api/media', { method: 'POST', form: upload })
    .then(({ url }) => {
      const description = file.name.replace(/\.[^.]*$/, '').replace(/[[\]\\]/g, ' ');
      insertAtCursor(`![${description}](${url})`);
    })
    .catch(reportFailure)
    .finally(() => {
      insertImageButton.disabled = false;
      insertImageButton.textContent = label;
      imageInput.value = '';
    });
});

async function open(): Promise<void> {
  const user = await currentUser().catch(() => null);
  if (!user) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    return;
  }
  if (postId !== null) {
    try {
      const post = await api<PostDetail>(`/api/posts/${postId}`);
      if (post.user_id !== user.id) throw new ApiError('You can only edit your own posts.', 403, null);
      status = post.status;
      saved = fromPost(post);
      fill(saved);
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
      return;
    }
  }
  const local = localCopy();
  if (local && !sameText(local, saved)) {
    fill(local);
    showNotice(
      `Your unsaved changes from ${formatLocalTime(new Date(local.kept_at).toISOString())} are back.`,
      true,
    );
  }
  showState();
  form.hidden = false;
  if (sideBySide.matches) void refreshPreview();
}

await open();
