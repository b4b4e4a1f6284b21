import { MessageModal } from './components.js';
import { THEME_COLOR, asset } from './assets.js';
import { attributeText, renderDocument } from './render.js';

/** One page of the site, as a feature's page module describes it; `reply.page()` wraps it in the layout. */
export interface PageDocument {
  /** The page's own title; the site's name is added. */
  title: string;
  /** The browser module of the page, `/static/js/<script>.js` (`posts/home` is src/posts/browser/home.ts). */
  script?: string;
  description?: string;
  /** Extra tags for the head, such as OpenGraph. */
  meta?: JSX.Element;
  body: JSX.Element;
}

/**
 * What features add to every page: entries of the navbar for signed-in readers (New Post, say), and
 * dialogs or scripts that any page may open. Given once, while the app is built (`app.siteLayout`).
 */
export interface SiteChrome {
  siteName: string;
  signedInNav: JSX.Element[];
  /** Shown to every reader, between the site's links and the account menu. */
  navbar: JSX.Element[];
  everyPage: JSX.Element[];
}

/**
 * The one layout of the site. Pages are the same for every visitor; the browser works out whether one
 * is signed in (`boot.js` guesses before the first paint from the stored token, `layout.js` confirms).
 * The parts that depend on nothing but the build and the chrome are rendered once, here.
 */
export function createLayout(chrome: SiteChrome): (page: PageDocument) => string {
  const { siteName } = chrome;
  const head = (
    <>
      <meta name="theme-color" content={THEME_COLOR} />
      <script src={asset('js/boot.js')}></script>
      <link rel="stylesheet" href={asset('vendor/bootstrap/css/bootstrap.min.css')} />
      <link rel="stylesheet" href={asset('css/site.css')} />
      <link rel="icon" href="/favicon.ico" sizes="32x32" />
      <link rel="icon" href={asset('icons/icon.svg')} type="image/svg+xml" />
      <link rel="apple-touch-icon" href={asset('icons/apple-touch-icon.png')} />
      <link rel="manifest" href="/site.webmanifest" />
      <link rel="alternate" type="application/atom+xml" title={`${siteName} feed`} href="/feed.xml" />
    </>
  );
  const navbar = <Navbar siteName={siteName} signedInNav={chrome.signedInNav} extras={chrome.navbar} />;
  const end = (
    <>
      <footer class="border-top py-3 mt-4">
        <div class="container small text-body-secondary d-flex flex-wrap gap-3 justify-content-between">
          <span safe>{`${siteName}, written in TypeScript on Fastify.`}</span>
          <span>
            <a href="/feed.xml">Atom feed</a> · <a href="/docs">API</a>
          </span>
        </div>
      </footer>
      {chrome.everyPage.map((markup) => (
        <>{markup}</>
      ))}
      <MessageModal id="successModal" title="Success" />
      <MessageModal id="errorModal" title="Error" />
      <script src={asset('vendor/bootstrap/js/bootstrap.bundle.min.js')} defer></script>
      <script type="module" src={asset('js/layout.js')}></script>
    </>
  );

  return ({ title, script, description, meta: safeMeta, body }) => {
    const fullTitle = title === siteName ? title : `${title} · ${siteName}`;
    return renderDocument(
      <html lang="en" data-bs-theme="light">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{fullTitle}</title>
          {description !== undefined && <meta name="description" content={attributeText(description)} />}
          {head}
          {safeMeta}
        </head>
        <body class="d-flex flex-column min-vh-100">
          <a class="visually-hidden-focusable" href="#main">
            Skip to content
          </a>
          {navbar}
          <main id="main" class="container flex-grow-1 py-4" tabindex="-1">
            {body}
          </main>
          {end}
          {script !== undefined && <script type="module" src={asset(`js/${script}.js`)}></script>}
        </body>
      </html>,
    );
  };
}

function Navbar({
  siteName,
  signedInNav,
  extras,
}: {
  siteName: string;
  signedInNav: JSX.Element[];
  extras: JSX.Element[];
}) {
  return (
    <nav class="navbar navbar-expand-md bg-body-tertiary border-bottom" aria-label="Main">
      <div class="container">
        <a class="navbar-brand fw-semibold" href="/" safe>
          {siteName}
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
          {extras.map((item) => (
            <>{item}</>
          ))}
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
            {signedInNav.map((item) => (
              <li class="nav-item when-signed-in">{item}</li>
            ))}
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
