import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** Image files built in memory for the upload tests. */

export type Rgba = { r: number; g: number; b: number; alpha: number };

export const RED: Rgba = { r: 255, g: 0, b: 0, alpha: 1 };
export const BLUE: Rgba = { r: 0, g: 0, b: 255, alpha: 1 };
export const GREEN: Rgba = { r: 0, g: 160, b: 0, alpha: 1 };
export const TRANSPARENT: Rgba = { r: 0, g: 0, b: 0, alpha: 0 };

export type UploadFormat = 'jpeg' | 'png' | 'gif' | 'webp';

function canvas(width: number, height: number, background: Rgba) {
  return sharp({ create: { width, height, channels: 4, background } });
}

/** A plain image of one colour in the given format (landscape by default, to exercise the crop). */
export function solidImage(
  format: UploadFormat,
  {
    width = 640,
    height = 480,
    background = GREEN,
  }: { width?: number; height?: number; background?: Rgba } = {},
): Promise<Buffer> {
  const image = canvas(width, height, background);
  switch (format) {
    case 'jpeg':
      return image.jpeg().toBuffer();
    case 'png':
      return image.png().toBuffer();
    case 'gif':
      return image.gif().toBuffer();
    case 'webp':
      return image.webp().toBuffer();
  }
}

/** A PNG whose background is fully transparent, with an opaque red square in the middle. */
export async function transparentPng(width = 400, height = 400): Promise<Buffer> {
  const square = await canvas(width / 2, height / 2, RED)
    .png()
    .toBuffer();
  return canvas(width, height, TRANSPARENT)
    .composite([{ input: square, left: width / 4, top: height / 4 }])
    .png()
    .toBuffer();
}

/**
 * A landscape JPEG, left half red and right half blue, whose EXIF says "rotate 90° clockwise to
 * display" (orientation 6), with a copyright tag and a camera make to prove the metadata goes away.
 * Shown upright, red is on top and blue at the bottom.
 */
export async function jpegWithOrientation6(width = 400, height = 200): Promise<Buffer> {
  const blue = await canvas(width / 2, height, BLUE)
    .png()
    .toBuffer();
  const pixels = await canvas(width, height, RED)
    .composite([{ input: blue, left: width / 2, top: 0 }])
    .png()
    .toBuffer();
  return sharp(pixels)
    .jpeg({ quality: 95 })
    .withExif({ IFD0: { Copyright: 'Secret Photographer', Make: 'TestCam' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A real (tiny) Windows bitmap: a format the app does not accept. */
export function bmpFile(width = 2, height = 2): Buffer {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const pixelBytes = rowSize * height;
  const file = Buffer.alloc(54 + pixelBytes);
  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10); // pixel data offset
  file.writeUInt32LE(40, 14); // BITMAPINFOHEADER
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26); // planes
  file.writeUInt16LE(24, 28); // bits per pixel
  file.writeUInt32LE(pixelBytes, 34);
  file.fill(0xff, 54); // white pixels
  return file;
}

export const SVG_IMAGE = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">' +
    '<rect width="100" height="100" fill="red"/><script>alert(1)</script></svg>\n',
);

export const TEXT_FILE = Buffer.from('This is not a picture at all, just some text.\n');

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A valid-looking PNG of a few hundred bytes whose header declares a huge canvas (a decompression
 * bomb): signature, IHDR with correct CRC, a tiny IDAT and IEND.
 */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `size` bytes that start like a JPEG, to test the size limit. */
export function bigBody(size: number): Buffer {
  const body = Buffer.alloc(size, 0x41);
  body.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return body;
}
