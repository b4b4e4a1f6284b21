import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { FailedError, InvalidError } from '../platform/errors.js';
import {
  INVALID_IMAGE,
  InvalidImageError,
  UPLOAD_FAILED,
  type ImageRecipe,
  type ImageResult,
  type Images,
} from '../platform/images/images.js';
import type { Storage } from '../platform/storage/storage.js';
import type { MediaUpload } from './media.schemas.js';

/** The storage folder of images in posts. */
export const MEDIA_FOLDER = 'posts';
/** The widest copy kept, and the narrower one made for phones when the image is wider than that. */
export const MEDIA_WIDTH = 1600;
export const SMALL_MEDIA_WIDTH = 800;

const copy = (width: number): ImageRecipe => ({
  resize: { fit: 'inside', width },
  output: { format: 'webp', quality: 82 },
});

/**
 * Images for posts: a WebP at most 1600 px wide, and an 800 px one beside it for `srcset` when the
 * image is wider, upright and without metadata. The file name carries the size
 * (`<uuid>-1600x900.webp`, the small copy `…-800.webp`): the Markdown renderer reads it from there to
 * give the image its width, height and `srcset` (posts/markdown.ts), so nothing else records it.
 */
export class MediaService {
  /** Where stored images are served from: the renderer accepts these as the site's own. */
  readonly publicPrefix: string;

  constructor(
    private readonly images: Images,
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
  ) {
    this.publicPrefix = storage.publicUrl(`${MEDIA_FOLDER}/`);
  }

  async upload(upload: Buffer): Promise<MediaUpload> {
    const large = await this.make(upload, MEDIA_WIDTH);
    const small = large.width > SMALL_MEDIA_WIDTH ? await this.make(upload, SMALL_MEDIA_WIDTH) : undefined;
    const name = `${MEDIA_FOLDER}/${randomUUID()}-${large.width}x${large.height}`;
    const keys = [`${name}.webp`, ...(small ? [`${name}-${SMALL_MEDIA_WIDTH}.webp`] : [])];
    try {
      await this.storage.put(keys[0]!, large.data, 'image/webp');
      if (small) await this.storage.put(keys[1]!, small.data, 'image/webp');
    } catch (error) {
      this.log.error({ err: error, keys }, 'storing an image failed');
      await Promise.allSettled(keys.map((key) => this.storage.delete(key)));
      throw new FailedError(UPLOAD_FAILED);
    }
    return { url: this.storage.publicUrl(keys[0]!), width: large.width, height: large.height };
  }

  private async make(upload: Buffer, width: number): Promise<ImageResult> {
    try {
      return await this.images.make(upload, copy(width));
    } catch (error) {
      if (error instanceof InvalidImageError) throw new InvalidError(INVALID_IMAGE);
      this.log.error({ err: error }, 'making an image failed');
      throw new FailedError(UPLOAD_FAILED);
    }
  }
}
