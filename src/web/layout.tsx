import type { PropsWithChildren } from '@kitajs/html';
import { SITE_NAME, THEME_COLOR, asset } from './assets.js';
import { attributeText } from './render.js';

export interface LayoutProps {
  /** The page's own title; the site's name is added. */
  title: string;
  /** The browser module of the page, `/static/js/pages/<page>.js`. */
  page?: string;
  description?: string;
  /** Extra tags for the head, such as OpenGraph. */
  meta?: JSX.Element;
}

/**
 * The one layout of the site. Pages are the same for every visitor; the browser works out whether one
 * is signed in (`boot.js` guesses before the first paint from the stored token, `layout.js` confirms).
 */
export function Layout({
  title,
  page,
  description,
  meta: safeMeta,
  children,
}: PropsWithChildren<LayoutProps>) {
  const fullTitle = title === SITE_NAME ? title : `${title} · ${SITE_NAME}`;
  return (
    <html lang="en" data-bs-theme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title safe>{fullTitle}</title>
        {description !== undefined && <meta name="description" content={attributeText(description)} />}
        {headLinks}
        {safeMeta}
      </head>
      <body class="d-flex flex-column min-vh-100">
        <a class="visually-hidden-focusable" href="#main">
          Skip to content
        </a>
        {navbar}
        <main id="main" class="container flex-grow-1 py-4" tabindex="-1">
          {children}
        </main>
        {bodyEnd}
        {page !== undefined && <script type="module" src={asset(`js/pages/${page}.js`)}></script>}
      </body>
    </html>
  );
}

// The parts of every page that depend on nothing but the build, rendered once when the module loads.
const headLinks = (
  <>
    <meta name="theme-color" content={THEME_COLOR} />
    <script src={asset('js/boot.js')}></script>
    <link rel="stylesheet" href={asset('vendor/bootstrap/css/bootstrap.min.css')} />
    <link rel="stylesheet" href={asset('css/site.css')} />
    <link rel="icon" href="/favicon.ico" sizes="32x32" />
    <link rel="icon" href={asset('icons/icon.svg')} type="image/svg+xml" />
    <link rel="apple-touch-icon" href={asset('icons/apple-touch-icon.png')} />
    <link rel="manifest" href="/site.webmanifest" />
    <link rel="alternate" type="application/atom+xml" title={`${SITE_NAME} feed`} href="/feed.xml" />
  </>
);
const navbar = <Navbar />;
const bodyEnd = (
  <>
    <footer class="border-top py-3 mt-4">
      <div class="container small text-body-secondary d-flex flex-wrap gap-3 justify-content-between">
        <span>{`${SITE_NAME}, written in TypeScript on Fastify.`}</span>
        <span>
          <a href="/feed.xml">Atom feed</a> · <a href="/docs">API</a>
        </span>
      </div>
    </footer>
    <NewPostModal />
    <MessageModal id="successModal" title="Success" />
    <MessageModal id="errorModal" title="Error" />
    <script src={asset('vendor/bootstrap/js/bootstrap.bundle.min.js')} defer></script>
    <script type="module" src={asset('js/layout.js')}></script>
  </>
);

function Navbar() {
  return (
    <nav class="navbar navbar-expand-md bg-body-tertiary border-bottom" aria-label="Main">
      <div class="container">
        <a class="navbar-brand fw-semibold" href="/">
          {SITE_NAME}
        </a>
        <button
          class="navbar-toggler"
          type="button"
          data-bs-toggle="collapse"
          data-bs-target="#navbarMain"
          aria-controls="navbarMain"
          aria-expanded="false"
          aria-label="Toggle navigation"
        >
          <span class="navbar-toggler-icon"></span>
        </button>
        <div class="collapse navbar-collapse" id="navbarMain">
          <ul class="navbar-nav me-auto">
            <li class="nav-item">
              <a class="nav-link" href="/">
                Home
              </a>
            </li>
          </ul>
          <ul class="navbar-nav align-items-md-center">
            <li class="nav-item when-signed-out">
              <a class="nav-link" href="/login">
                Login
              </a>
            </li>
            <li class="nav-item when-signed-out">
              <a class="nav-link" href="/register">
                Register
              </a>
            </li>
            <li class="nav-item when-signed-in">
              <button type="button" class="btn btn-link nav-link" data-action="new-post">
                New Post
              </button>
            </li>
            <li class="nav-item when-signed-in">
              <a class="nav-link" href="/account" id="navUsername">
                Account
              </a>
            </li>
            <li class="nav-item when-signed-in">
              <button type="button" class="btn btn-link nav-link" data-action="logout">
                Logout
              </button>
            </li>
            <li class="nav-item dropdown">
              <button
                class="btn btn-link nav-link dropdown-toggle"
                id="themeMenu"
                type="button"
                data-bs-toggle="dropdown"
                aria-expanded="false"
                aria-label="Theme"
              >
                Theme
              </button>
              <ul class="dropdown-menu dropdown-menu-end" aria-labelledby="themeMenu">
                {(['light', 'dark', 'auto'] as const).map((theme) => (
                  <li>
                    <button
                      type="button"
                      class="dropdown-item"
                      data-theme-value={theme}
                      aria-pressed="false"
                      safe
                    >
                      {theme[0]!.toUpperCase() + theme.slice(1)}
                    </button>
                  </li>
                ))}
              </ul>
            </li>
          </ul>
        </div>
      </div>
    </nav>
  );
}

function NewPostModal() {
  return (
    <div class="modal fade" id="newPostModal" tabindex="-1" aria-labelledby="newPostTitle" aria-hidden="true">
      <div class="modal-dialog">
        <form class="modal-content" id="newPostForm" novalidate>
          <div class="modal-header">
            <h2 class="modal-title fs-5" id="newPostTitle">
              New Post
            </h2>
            <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button>
          </div>
          <div class="modal-body">
            <PostFields prefix="newPost" />
          </div>
          <div class="modal-footer">
            <button type="button" class="btn btn-secondary" data-bs-dismiss="modal">
              Cancel
            </button>
            <button type="submit" class="btn btn-primary">
              Publish
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

/** The title and content fields of a post form, shared by the new-post and edit modals. */
export function PostFields({ prefix }: { prefix: string }) {
  return (
    <>
      <div class="mb-3">
        <label for={`${prefix}TitleInput`} class="form-label">
          Title <span class="text-body-secondary">(optional)</span>
        </label>
        <input type="text" class="form-control" id={`${prefix}TitleInput`} name="title" maxlength="100" />
      </div>
      <div class="mb-3">
        <label for={`${prefix}ContentInput`} class="form-label">
          Content
        </label>
        <textarea
          class="form-control"
          id={`${prefix}ContentInput`}
          name="content"
          rows="6"
          required
        ></textarea>
      </div>
    </>
  );
}

function MessageModal({ id, title }: { id: string; title: string }) {
  return (
    <div class="modal fade" id={id} tabindex="-1" aria-labelledby={`${id}Title`} aria-hidden="true">
      <div class="modal-dialog">
        <div class="modal-content">
          <div class="modal-header">
            <h2 class="modal-title fs-5" id={`${id}Title`} safe>
              {title}
            </h2>
            <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button>
          </div>
          <div class="modal-body">
            <p class="mb-0" data-role="message"></p>
          </div>
          <div class="modal-footer">
            <button type="button" class="btn btn-primary" data-bs-dismiss="modal">
              OK
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}
