import type { OutputInfo, Sharp, SharpConstructor } from 'sharp';

let loading: Promise<SharpConstructor> | undefined;

/**
 * sharp, loaded on the first upload (most processes start far more often than they resize a picture),
 * with libvips's operation cache off: every upload is a new image, so the cache never hits, and it kept
 * up to 50 MB of decoded pixels alive after the last upload.
 */
function loadSharp(): Promise<SharpConstructor> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loading;
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

/**
 * Runs an uploaded image through a sharp pipeline (`transform` adds the resizing and the output
 * format). The input must be a JPEG, PNG, GIF or WebP by its bytes and decode as what it claims; the
 * output carries no metadata (EXIF, GPS), since sharp writes none unless asked. libvips does the work
 * on its own threads, off the event loop.
 */
export async function transformImage(
  input: Buffer,
  transform: (image: Sharp) => Sharp,
): Promise<{ data: Buffer; info: OutputInfo }> {
  const format = detectImageFormat(input);
  if (!format) throw new InvalidImageError('not a JPEG, PNG, GIF or WebP file');
  try {
    const sharp = await loadSharp();
    const image = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
    const { format: decoded } = await image.metadata();
    // A PNG signature on a JPEG body and the like: the bytes must be what they claim.
    if (decoded !== format)
      throw new InvalidImageError(`declares ${format} but decodes as ${String(decoded)}`);
    // Upright by its EXIF orientation first, whatever the transform does next.
    return await transform(image.rotate()).toBuffer({ resolveWithObject: true });
  } catch (error) {
    if (error instanceof InvalidImageError) throw error;
    // sharp's errors here are all about the input: truncated, corrupt, or over the pixel limit.
    throw new InvalidImageError(error instanceof Error ? error.message : String(error));
  }
}
