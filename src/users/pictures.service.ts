import { randomUUID } from 'node:crypto';
import { httpErrors } from '@fastify/sensible';
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import { users, type User } from '../db/schema.js';
import { InvalidImageError, makeProfilePicture } from '../images/profile-picture.js';
import type { Storage } from '../storage/storage.js';
import { PICTURE_FOLDER } from './user-views.js';
import type { UsersService } from './users.service.js';

export const INVALID_IMAGE = 'Invalid image file. Please upload a valid image (JPEG, PNG, GIF, WebP).';
export const UPLOAD_FAILED = 'Failed to upload image. Please try again.';

/**
 * Profile pictures, in the order of SPEC section 7: make the JPEG, store it, point the user at it, then
 * forget the old one. Each step undoes what a failure would otherwise leave behind.
 */
export class PicturesService {
  constructor(
    private readonly db: Database,
    private readonly storage: Storage,
    private readonly users: UsersService,
    private readonly log: FastifyBaseLogger,
  ) {}

  async replace(user: User, upload: Buffer): Promise<User> {
    let picture: Buffer;
    try {
      picture = await makeProfilePicture(upload);
    } catch (error) {
      if (error instanceof InvalidImageError) throw httpErrors.badRequest(INVALID_IMAGE);
      throw error;
    }

    const imageFile = `${randomUUID()}.jpg`;
    const key = `${PICTURE_FOLDER}/${imageFile}`;
    try {
      await this.storage.put(key, picture, 'image/jpeg');
    } catch (error) {
      this.log.error({ err: error, key }, 'storing a profile picture failed; the user is unchanged');
      throw Object.assign(httpErrors.internalServerError(UPLOAD_FAILED), { expose: true });
    }

    let change: { updated: User; previous: string | null } | undefined;
    try {
      change = await this.setImageFile(user.id, imageFile);
    } catch (error) {
      await this.users.deletePicture(imageFile);
      throw error;
    }
    if (!change) {
      await this.users.deletePicture(imageFile);
      throw httpErrors.notFound('User not found.');
    }
    if (change.previous) await this.users.deletePicture(change.previous);
    return change.updated;
  }

  async remove(user: User): Promise<User> {
    if (!user.imageFile) throw httpErrors.badRequest('No profile picture to delete');
    const change = await this.setImageFile(user.id, null);
    if (!change) throw httpErrors.notFound('User not found.');
    if (change.previous) await this.users.deletePicture(change.previous);
    return change.updated;
  }

  /** Sets the picture and returns the one it replaced, read under the same row lock. */
  private setImageFile(userId: number, imageFile: string | null) {
    return this.db.transaction(async (tx) => {
      const [current] = await tx
        .select({ imageFile: users.imageFile })
        .from(users)
        .where(eq(users.id, userId))
        .for('update');
      if (!current) return undefined;
      const [updated] = await tx.update(users).set({ imageFile }).where(eq(users.id, userId)).returning();
      return updated && { updated, previous: current.imageFile };
    });
  }
}
