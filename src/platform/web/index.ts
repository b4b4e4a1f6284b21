import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { THEME_COLOR, asset } from './assets.js';
import { createLayout, type PageDocument, type SiteChrome } from './layout.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What features add to every page, while the app is built (before the first page is drawn). */
    siteLayout: {
      /** An entry of the navbar shown to signed-in readers. */
      addSignedInNav(item: JSX.Element): void;
      /** Something in the navbar for every reader, before the account menu (the search box, say). */
      addToNavbar(item: JSX.Element): void;
      /** Markup every page carries, such as a dialog any page can open and its script. */
      addToEveryPage(markup: JSX.Element): void;
    };
  }
  interface FastifyReply {
    /** Sends a page of the site: the document wrapped in the layout, as HTML. */
    page(document: PageDocument): FastifyReply;
  }
}

/**
 * The web kit: the layout every page shares, `reply.page()`, and the files that browsers ask for at
 * well-known paths (the PWA manifest, the favicon).
 */
export default fp(
  async function web(app: FastifyInstance, options: { site: { name: string; description: string } }) {
    const chrome: SiteChrome = { siteName: options.site.name, signedInNav: [], navbar: [], everyPage: [] };
    let render: ((page: PageDocument) => string) | undefined;
    const whileBuilding = (add: () => void) => {
      if (render) throw new Error('the layout is drawn already: add to it while the app is built');
      add();
    };

    app.decorate('siteLayout', {
      addSignedInNav: (item) => whileBuilding(() => chrome.signedInNav.push(item)),
      addToNavbar: (item) => whileBuilding(() => chrome.navbar.push(item)),
      addToEveryPage: (markup) => whileBuilding(() => chrome.everyPage.push(markup)),
    });
    app.decorateReply('page', function (this: FastifyReply, document: PageDocument) {
      render ??= createLayout(chrome);
      return this.type('text/html; charset=utf-8').send(render(document));
    });

    const hidden = { schema: { hide: true } };
    const manifest = JSON.stringify({
      name: options.site.name,
      short_name: options.site.name,
      description: options.site.description,
      start_url: '/',
      scope: '/',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: THEME_COLOR,
      icons: [
        { src: asset('icons/icon-192.png'), sizes: '192x192', type: 'image/png' },
        { src: asset('icons/icon-512.png'), sizes: '512x512', type: 'image/png' },
        {
          src: asset('icons/icon-512-maskable.png'),
          sizes: '512x512',
          type: 'image/png',
          purpose: 'maskable',
        },
        { src: asset('icons/icon.svg'), sizes: 'any', type: 'image/svg+xml' },
      ],
    });
    app.get('/site.webmanifest', hidden, async (_request, reply) =>
      reply.type('application/manifest+json; charset=utf-8').send(manifest),
    );
    app.get('/favicon.ico', hidden, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=86400').sendFile('icons/favicon.ico'),
    );
  },
  { name: 'web', dependencies: ['static-files'] },
);
