import type { Post, PostPage } from '../posts.schemas.js';
import { listLoader, type ListLoader } from '../../platform/web/browser/list-loader.js';
import { postCard } from './post-card.js';

/** The list of posts of the feed or a user's page, continued from the API. */
export function postListLoader(): ListLoader {
  return listLoader<PostPage, Post>({
    listId: 'postList',
    moreId: 'loadMore',
    items: (page) => page.posts,
    render: postCard,
    idAttribute: 'data-post-id',
  });
}
