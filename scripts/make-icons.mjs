// Renders public/icons/icon.svg into the PNG icons of the web manifest, the Apple touch icon and the
// favicon (a PNG inside an ICO container). Run it after changing the SVG, and commit the results.
import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';

const folder = 'public/icons';
const svg = await readFile(`${folder}/icon.svg`);
const png = (size, options = {}) =>
  sharp(svg, { density: 384 })
    .resize(size, size)
    .flatten(options.flatten ?? false)
    .png()
    .toBuffer();

await writeFile(`${folder}/icon-192.png`, await png(192));
await writeFile(`${folder}/icon-512.png`, await png(512));
await writeFile(`${folder}/apple-touch-icon.png`, await png(180, { flatten: { background: '#0d6efd' } }));
// A maskable icon keeps its mark inside the central safe zone (80%), on a full-bleed background.
const inner = await sharp(svg, { density: 384 }).resize(400, 400).png().toBuffer();
await writeFile(
  `${folder}/icon-512-maskable.png`,
  await sharp({ create: { width: 512, height: 512, channels: 4, background: '#0d6efd' } })
    .composite([{ input: inner, gravity: 'center' }])
    .png()
    .toBuffer(),
);

// ICO: a 6-byte header, one 16-byte directory entry, then the PNG itself.
const favicon = await png(32);
const header = Buffer.alloc(22);
header.writeUInt16LE(0, 0); // reserved
header.writeUInt16LE(1, 2); // type: icon
header.writeUInt16LE(1, 4); // one image
header.writeUInt8(32, 6); // width
header.writeUInt8(32, 7); // height
header.writeUInt8(0, 8); // no palette
header.writeUInt8(0, 9); // reserved
header.writeUInt16LE(1, 10); // colour planes
header.writeUInt16LE(32, 12); // bits per pixel
header.writeUInt32LE(favicon.length, 14); // image size
header.writeUInt32LE(22, 18); // image offset
await writeFile(`${folder}/favicon.ico`, Buffer.concat([header, favicon]));
console.log('icons written to', folder);
