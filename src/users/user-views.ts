import type { User } from '../db/schema.js';
import type { UserPrivateView, UserPublicView } from '../shared/api-types.js';
import type { Storage } from '../storage/storage.js';

export const DEFAULT_AVATAR = '/static/profile_pics/default.jpg';
export const PICTURE_FOLDER = 'profile_pics';

export type { UserPrivateView, UserPublicView };

type Author = Pick<User, 'id' | 'username' | 'imageFile'>;

/** The JSON shapes of SPEC section 4, shared by the API and the pages. */
export class UserViews {
  constructor(private readonly storage: Storage) {}

  imagePath(imageFile: string | null): string {
    return imageFile === null ? DEFAULT_AVATAR : this.storage.publicUrl(`${PICTURE_FOLDER}/${imageFile}`);
  }

  public(user: Author): UserPublicView {
    return {
      id: user.id,
      username: user.username,
      image_file: user.imageFile,
      image_path: this.imagePath(user.imageFile),
    };
  }

  private(user: User): UserPrivateView {
    return { ...this.public(user), email: user.email };
  }
}
