import fp from 'fastify-plugin';
import { RANKED_CANDIDATES } from './limits.js';
import { NavbarSearch } from './search.pages.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    searchService: SearchService;
  }
}

/**
 * Full-text search of published posts. Registered before posts, which keep each post's words through
 * this service and answer `GET /api/posts?q=`; the search page comes after posts (search.pages.tsx).
 */
export default fp(
  async function search(app) {
    const searchService = new SearchService(
      new SearchRepository(app.database, RANKED_CANDIDATES),
      app.config.searchLanguage,
    );
    app.decorate('searchService', searchService);
    app.siteLayout.addToNavbar(<NavbarSearch />);
    app.addHook('onReady', async () => {
      const rewritten = await searchService.prepare();
      if (rewritten > 0) app.log.info({ posts: rewritten }, 'search index rewritten in SEARCH_LANGUAGE');
    });
  },
  { name: 'search' },
);
