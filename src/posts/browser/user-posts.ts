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
      void feed.loadNext().then((loaded) => {
        if (feed.done()) observer.disconnect();
        else if (loaded) {
          // The observer reports changes only: if the end is still in view after the new page (a tall
          // screen, or a reader who scrolled on before the page was laid out), nothing would come.
          // Observing anew reports where it is now.
          observer.unobserve(sentinel);
          observer.observe(sentinel);
        }
      });
    },
    { rootMargin: '200px' },
  );
  observer.observe(sentinel);
}
