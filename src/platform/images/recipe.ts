import type { SharpConstructor } from 'sharp';

/**
 * What to make of an uploaded image, as data (it crosses to the image process): the size, the
 * background for transparent pixels, and the output format.
 */
export interface ImageRecipe {
  /** `cover`: cut to exactly width x height; `inside`: at most `width` wide, never enlarged. */
  resize: { fit: 'cover'; width: number; height: number } | { fit: 'inside'; width: number };
  /** Transparent pixels are laid onto this colour (a JPEG has no transparency). */
  flatten?: string;
  output: { format: 'jpeg' | 'webp'; quality: number };
}

export interface ImageResult {
  data: Buffer;
  width: number;
  height: number;
  format: string;
}

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp';

/**
 * Above this many pixels an image is refused before it is decoded: a small file can declare a huge
 * canvas (a decompression bomb). 50 megapixels leaves room for any phone photo.
 */
export const MAX_INPUT_PIXELS = 50_000_000;

/** The format told by the file's first bytes, never by its name or declared type. */
export function detectImageFormat(head: Uint8Array): ImageFormat | undefined {
  const startsWith = (bytes: number[], offset = 0) => bytes.every((byte, i) => head[offset + i] === byte);
  const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
  if (startsWith([0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(ascii('GIF87a')) || startsWith(ascii('GIF89a'))) return 'gif';
  if (startsWith(ascii('RIFF')) && startsWith(ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

/** The upload is not an image we take: wrong format, corrupt, truncated or too many pixels. */
export class InvalidImageError extends Error {
  override name = 'InvalidImageError';
}

let loading: Promise<SharpConstructor> | undefined;

/**
 * sharp, loaded on the first image (most processes start far more often than they resize one), with
 * libvips's operation cache off: every upload is a new image, so the cache never hits, and it kept up
 * to 50 MB of decoded pixels alive after the last upload.
 */
function loadSharp(): Promise<SharpConstructor> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loading;
}

/**
 * Makes the image of a recipe. The input must be a JPEG, PNG, GIF or WebP by its bytes and decode as
 * what it claims; it is turned upright by its EXIF orientation; the output carries no metadata (EXIF,
 * GPS), since sharp writes none unless asked. libvips works on its own threads, off the event loop.
 */
export async function runRecipe(input: Buffer, recipe: ImageRecipe): Promise<ImageResult> {
  const format = detectImageFormat(input);
  if (!format) throw new InvalidImageError('not a JPEG, PNG, GIF or WebP file');
  try {
    const sharp = await loadSharp();
    const image = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
    const { format: decoded } = await image.metadata();
    // A PNG signature on a JPEG body and the like: the bytes must be what they claim.
    if (decoded !== format)
      throw new InvalidImageError(`declares ${format} but decodes as ${String(decoded)}`);
    let pipeline = image.rotate();
    pipeline =
      recipe.resize.fit === 'cover'
        ? pipeline.resize(recipe.resize.width, recipe.resize.height, { fit: 'cover', kernel: 'lanczos3' })
        : pipeline.resize(recipe.resize.width, undefined, { fit: 'inside', withoutEnlargement: true });
    if (recipe.flatten) pipeline = pipeline.flatten({ background: recipe.flatten });
    pipeline =
      recipe.output.format === 'jpeg'
        ? pipeline.jpeg({ quality: recipe.output.quality })
        : pipeline.webp({ quality: recipe.output.quality });
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, format: info.format };
  } catch (error) {
    if (error instanceof InvalidImageError) throw error;
    // sharp's errors here are all about the input: truncated, corrupt, or over the pixel limit.
    throw new InvalidImageError(error instanceof Error ? error.message : String(error));
  }
}
