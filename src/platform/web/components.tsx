import type { PropsWithChildren } from '@kitajs/html';
import { formatPostDate } from './dates.js';

/**
 * The pieces every page is made of. The browser modules find them by the ids and `data-role`s given
 * here (src/platform/web/browser/), so a page never writes a dialog or a form field by hand.
 */

/** A Bootstrap dialog; `as="form"` makes its content the form that the footer's submit button sends. */
export function Modal({
  id,
  title,
  footer,
  as = 'div',
  data = {},
  children,
}: PropsWithChildren<{
  id: string;
  title: string;
  footer: JSX.Element;
  as?: 'div' | 'form';
  /** `data-*` attributes of the content element, already escaped for an attribute. */
  data?: Record<`data-${string}`, string>;
}>) {
  const content = (
    <>
      <div class="modal-header">
        <h2 class="modal-title fs-5" id={`${id}Title`} safe>
          {title}
        </h2>
        <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button>
      </div>
      <div class="modal-body">{children}</div>
      <div class="modal-footer">{footer}</div>
    </>
  );
  return (
    <div class="modal fade" id={id} tabindex="-1" aria-labelledby={`${id}Title`} aria-hidden="true">
      <div class="modal-dialog">
        {as === 'form' ? (
          <form class="modal-content" id={`${id.replace(/Modal$/, '')}Form`} novalidate {...data}>
            {content}
          </form>
        ) : (
          <div class="modal-content" {...data}>
            {content}
          </div>
        )}
      </div>
    </div>
  );
}

/** A button that closes the dialog it is in. */
export function DismissButton({ label = 'Cancel', primary = false }: { label?: string; primary?: boolean }) {
  return (
    <button
      type="button"
      class={primary ? 'btn btn-primary' : 'btn btn-secondary'}
      data-bs-dismiss="modal"
      safe
    >
      {label}
    </button>
  );
}

/** The success and error dialogs of the layout; `showSuccess()` and `showError()` fill them in. */
export function MessageModal({ id, title }: { id: string; title: string }) {
  return (
    <Modal id={id} title={title} footer={<DismissButton label="OK" primary />}>
      <p class="mb-0" data-role="message"></p>
    </Modal>
  );
}

/** "Delete X?" with Cancel and a danger button whose id the page's module listens to. */
export function ConfirmModal({
  id,
  title,
  message,
  confirmId,
  confirmLabel = 'Delete',
}: {
  id: string;
  title: string;
  message: string;
  confirmId: string;
  confirmLabel?: string;
}) {
  return (
    <Modal
      id={id}
      title={title}
      footer={
        <>
          <DismissButton />
          <button type="button" class="btn btn-danger" id={confirmId} safe>
            {confirmLabel}
          </button>
        </>
      }
    >
      <span safe>{message}</span>
    </Modal>
  );
}

export interface FieldProps {
  /** The input's id; its label, hint and error take ids made from it. */
  id: string;
  name: string;
  label: string;
  /** Muted words after the label, such as "(optional)". */
  labelNote?: string;
  type?: 'text' | 'email' | 'password' | 'file' | 'textarea' | 'datetime-local';
  required?: boolean;
  minlength?: number;
  maxlength?: number;
  autocomplete?: string;
  accept?: string;
  rows?: number;
  hint?: string;
  /** The id of a `<datalist>` of suggestions for a text input. */
  list?: string;
  /** Classes of the wrapper, `mb-3` by default. */
  class?: string;
}

/**
 * A labelled input with its hint and an empty `invalid-feedback` that the browser fills with the API's
 * message for this field (`showFieldErrors()`), linked for screen readers by `aria-describedby`.
 */
export function Field({
  id,
  name,
  label,
  labelNote,
  type = 'text',
  required,
  minlength,
  maxlength,
  autocomplete,
  accept,
  rows,
  hint,
  list,
  class: wrapperClass = 'mb-3',
}: FieldProps) {
  const describedBy = [hint !== undefined ? `${id}Hint` : undefined, `${id}Error`].filter(Boolean).join(' ');
  const common = {
    class: 'form-control',
    id,
    name,
    required,
    minlength: minlength?.toString(),
    maxlength: maxlength?.toString(),
    autocomplete,
    'aria-describedby': describedBy,
  };
  return (
    <div class={wrapperClass}>
      <label for={id} class="form-label">
        <span safe>{label}</span>
        {labelNote !== undefined && (
          <span class="text-body-secondary" safe>
            {` ${labelNote}`}
          </span>
        )}
      </label>
      {type === 'textarea' ? (
        <textarea {...common} rows={(rows ?? 6).toString()}></textarea>
      ) : (
        <input {...common} type={type} accept={accept} list={list} />
      )}
      {hint !== undefined && (
        <div class="form-text" id={`${id}Hint`} safe>
          {hint}
        </div>
      )}
      <div class="invalid-feedback" id={`${id}Error`} data-error-for={name}></div>
    </div>
  );
}

export interface Author {
  id: number;
  username: string;
  image_path: string;
}

/** Avatar, name linking to the author's page, and the date linking to `href`. */
export function AuthorLine({ author, date, href }: { author: Author; date: string; href: string }) {
  return (
    <p class="small text-body-secondary mb-1">
      <a class="author-link fw-semibold" href={`/users/${author.id}/posts`} safe>
        {author.username}
      </a>
      {' · '}
      <a class="post-date text-body-secondary" href={href}>
        <time datetime={date} safe>
          {formatPostDate(date)}
        </time>
      </a>
    </p>
  );
}

const AVATAR_CLASSES = { 32: 'avatar-sm', 48: 'avatar', 64: 'avatar-lg' } as const;

export function Avatar({ src, size = 48 }: { src: string; size?: keyof typeof AVATAR_CLASSES }) {
  return (
    <img
      class={`${AVATAR_CLASSES[size]} rounded-circle flex-shrink-0`}
      src={src}
      alt=""
      width={String(size)}
      height={String(size)}
      loading="lazy"
    />
  );
}

/**
 * A list that the browser continues from `data-next-cursor` (`listLoader()`), with its empty state and
 * the Load More button, hidden when nothing is left.
 */
export function PagedList({
  id,
  moreId = `${id}More`,
  emptyId = `${id}Empty`,
  label,
  source,
  limit,
  nextCursor,
  emptyMessage,
  empty,
  children,
}: PropsWithChildren<{
  id: string;
  /** The Load More button's id. */
  moreId?: string;
  emptyId?: string;
  label: string;
  source: string;
  limit: number;
  nextCursor: string | null;
  emptyMessage: string;
  empty: boolean;
}>) {
  return (
    <>
      <section
        id={id}
        aria-label={label}
        aria-live="polite"
        data-source={source}
        data-limit={String(limit)}
        data-next-cursor={nextCursor ?? ''}
      >
        {children}
      </section>
      <p class="text-body-secondary" id={emptyId} hidden={!empty} safe>
        {emptyMessage}
      </p>
      <div class="text-center">
        <button
          type="button"
          class="btn btn-outline-primary"
          id={moreId}
          data-list={id}
          hidden={nextCursor === null}
        >
          Load More
        </button>
      </div>
    </>
  );
}
