import { postListLoader } from './post-list.js';

// The home page's first page is rendered by the server; "Load More" appends the next ones.
postListLoader();
