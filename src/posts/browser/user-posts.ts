import { byId } from '../../platform/web/browser/dom.js';
import { postListLoader } from './post-list.js';

// Infinite scroll: the next page loads as the end of the list comes into view. The Load More button
// stays as the fallback (no IntersectionObserver, or a failed load to retry).
const feed = postListLoader();
const sentinel = byId('scrollSentinel');

if ('IntersectionObserver' in window) {
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      void feed.loadNext().then(() => {
        if (feed.done()) observer.disconnect();
      });
    },
    { rootMargin: '200px' },
  );
  observer.observe(sentinel);
}
