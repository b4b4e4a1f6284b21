// The JSON shapes of SPEC section 4, as TypeScript types shared by the server and the browser modules.
// The TypeBox schemas (users.schemas.ts, posts.schemas.ts) are what the API validates and documents.

export interface UserPublicView {
  id: number;
  username: string;
  image_file: string | null;
  image_path: string;
}

export interface UserPrivateView extends UserPublicView {
  email: string;
}

export interface PostView {
  id: number;
  title: string | null;
  content: string;
  user_id: number;
  date_posted: string;
  likes: number;
  author: UserPublicView;
}

export interface PostPageView {
  posts: PostView[];
  total: number;
  skip: number;
  limit: number;
  has_more: boolean;
  /** Where the next page starts; pass it back as `cursor`. Null on the last page. */
  next_cursor: string | null;
}

export interface LikeStateView {
  likes: number;
  liked: boolean;
}
