// A 12-megapixel (4000x3000) JPEG that compresses like a phone photo (about 3.5 MB at quality 90):
// smooth shapes from upscaled noise plus sensor-like grain, and an EXIF orientation for the app to
// apply. Made once and kept in the OS temp folder.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

const WIDTH = 4000;
const HEIGHT = 3000;

export async function twelveMegapixelJpeg() {
  const file = path.join(tmpdir(), 'fastblog-bench-12mp-v1.jpg');
  if (existsSync(file)) return file;
  const noise = (width, height, mean, sigma) =>
    sharp({
      create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean, sigma } },
    });
  const shapes = await noise(200, 150, 128, 60).png().toBuffer();
  const smooth = await sharp(shapes).resize(WIDTH, HEIGHT, { kernel: 'cubic' }).raw().toBuffer();
  const grain = await noise(WIDTH, HEIGHT, 0, 12).raw().toBuffer();
  for (let i = 0; i < smooth.length; i += 1) smooth[i] = Math.min(255, smooth[i] + grain[i]);
  await sharp(smooth, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toFile(file);
  return file;
}
