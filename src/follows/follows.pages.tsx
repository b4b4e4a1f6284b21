import type { FastifyPluginAsync } from 'fastify';
import { PagedList } from '../platform/web/components.js';
import type { PageDocument } from '../platform/web/layout.js';
import { FeedTabs, LATEST_TAB, SiteHeader, type FeedTab } from '../posts/posts.pages.js';

export const FOLLOWING_TAB: FeedTab = { label: 'Following', href: '/following' };

/**
 * `/following`, the home page's Following tab. Like My drafts, the page is the same for every visitor:
 * the reader is known only to the browser (the token), so `js/follows/following` asks the API for the
 * personal feed, or for people to follow when it is empty, and sends visitors who are not signed in
 * to the login page.
 */
const followsPages: FastifyPluginAsync = async (app) => {
  const page = followingPage(app.config.site, app.config.postsPerPage);
  app.get(FOLLOWING_TAB.href, { schema: { hide: true } }, async (_request, reply) => reply.page(page));
};

export default followsPages;

export function followingPage(site: { name: string; description: string }, limit: number): PageDocument {
  return {
    title: 'Following',
    script: 'follows/following',
    body: (
      <div class="reading-column">
        <SiteHeader site={site} />
        <FeedTabs tabs={[LATEST_TAB, FOLLOWING_TAB]} current={FOLLOWING_TAB.href} />
        <h2 class="section-heading mb-3">From people you follow</h2>
        <p class="text-body-secondary" id="followingLoading">
          Loading your feed…
        </p>
        <PagedList
          id="postList"
          moreId="loadMore"
          emptyId="emptyState"
          label="Posts from people you follow"
          source="/api/feed"
          limit={limit}
          nextCursor={null}
          emptyMessage="Nothing here yet. Follow some writers and their new posts will appear here."
          empty={false}
        />
        <section id="suggestions" class="suggestions mt-4" aria-labelledby="suggestionsHeading" hidden>
          <h2 class="section-heading mb-2" id="suggestionsHeading">
            People to follow
          </h2>
          <p class="small text-body-secondary">Follow a writer and their new posts appear above.</p>
          <ul class="list-group" id="suggestionList"></ul>
          <p class="text-body-secondary" id="suggestionsEmpty" hidden>
            No one else writes here yet.
          </p>
        </section>
      </div>
    ),
  };
}
