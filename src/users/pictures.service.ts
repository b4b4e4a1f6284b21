import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { FailedError, ForbiddenError, InvalidError, NotFoundError } from '../platform/errors.js';
import {
  INVALID_IMAGE,
  InvalidImageError,
  UPLOAD_FAILED,
  type ImageRecipe,
  type Images,
} from '../platform/images/images.js';
import type { Storage } from '../platform/storage/storage.js';
import type { UserPrivate } from './users.schemas.js';
import { PICTURE_FOLDER, type UsersService } from './users.service.js';
import type { User } from './users.table.js';

/** The side of the square every profile picture is cut to. */
export const PICTURE_SIZE = 300;

/**
 * A 300x300 JPEG: cover-cropped with Lanczos, transparency flattened onto white, quality 85, and (as
 * every made image) upright and without metadata.
 */
const PROFILE_PICTURE: ImageRecipe = {
  resize: { fit: 'cover', width: PICTURE_SIZE, height: PICTURE_SIZE },
  flatten: '#ffffff',
  output: { format: 'jpeg', quality: 85 },
};

/**
 * Profile pictures, in the order of SPEC section 7: make the JPEG, store it, point the user at it, then
 * forget the old one. Each step undoes what a failure would otherwise leave behind.
 */
export class PicturesService {
  constructor(
    private readonly images: Images,
    private readonly storage: Storage,
    private readonly users: UsersService,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Only the user may change their picture: checked before the upload is read. */
  assertMayChange(actor: User, userId: number, action: 'update' | 'delete'): void {
    if (actor.id !== userId) throw new ForbiddenError(`Not authorized to ${action} this user's picture`);
  }

  async replace(actor: User, userId: number, upload: Buffer): Promise<UserPrivate> {
    this.assertMayChange(actor, userId, 'update');
    const picture = await this.makePicture(upload);
    const imageFile = `${randomUUID()}.jpg`;
    const key = `${PICTURE_FOLDER}/${imageFile}`;
    try {
      await this.storage.put(key, picture, 'image/jpeg');
    } catch (error) {
      this.log.error({ err: error, key }, 'storing a profile picture failed; the user is unchanged');
      throw new FailedError(UPLOAD_FAILED);
    }

    let change: Awaited<ReturnType<UsersService['setImageFile']>>;
    try {
      change = await this.users.setImageFile(actor.id, imageFile);
    } catch (error) {
      await this.users.deletePicture(imageFile);
      throw error;
    }
    if (!change) {
      await this.users.deletePicture(imageFile);
      throw new NotFoundError('User not found.');
    }
    if (change.previous) await this.users.deletePicture(change.previous);
    return this.users.privateView(change.updated);
  }

  async remove(actor: User, userId: number): Promise<UserPrivate> {
    this.assertMayChange(actor, userId, 'delete');
    if (!actor.imageFile) throw new InvalidError('No profile picture to delete');
    const change = await this.users.setImageFile(actor.id, null);
    if (!change) throw new NotFoundError('User not found.');
    if (change.previous) await this.users.deletePicture(change.previous);
    return this.users.privateView(change.updated);
  }

  private async makePicture(upload: Buffer): Promise<Buffer> {
    try {
      return (await this.images.make(upload, PROFILE_PICTURE)).data;
    } catch (error) {
      if (error instanceof InvalidImageError) throw new InvalidError(INVALID_IMAGE);
      this.log.error({ err: error }, 'making a profile picture failed; the user is unchanged');
      throw new FailedError(UPLOAD_FAILED);
    }
  }
}
