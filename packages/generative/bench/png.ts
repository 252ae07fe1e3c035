// A minimal PNG writer (8-bit grayscale or RGB, no filtering) for the benches' sample grids.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(new Uint8Array(out.subarray(4, 8 + data.length))), 8 + data.length);
  return out;
}

/** Writes `pixels` (row-major, values in [0, 1], `channels` 1 or 3 per pixel) as a PNG file. */
export function writePng(
  path: string,
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  channels: 1 | 3 = 1,
): void {
  const raw = Buffer.alloc((width * channels + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * channels + 1)] = 0; // filter: none
    for (let x = 0; x < width * channels; x++) {
      const v = Math.round(255 * Math.min(1, Math.max(0, pixels[y * width * channels + x] as number)));
      raw[y * (width * channels + 1) + 1 + x] = v;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 1 ? 0 : 2;
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
}

/** Tiles `count` 28 x 28 images (flat, [count * 784]) into a `cols`-wide grid and writes it. */
export function writeDigitGrid(path: string, images: ArrayLike<number>, count: number, cols: number): void {
  const rows = Math.ceil(count / cols);
  const w = cols * 28;
  const h = rows * 28;
  const out = new Float32Array(w * h);
  for (let k = 0; k < count; k++) {
    const ox = (k % cols) * 28;
    const oy = Math.floor(k / cols) * 28;
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) out[(oy + y) * w + ox + x] = images[k * 784 + y * 28 + x] as number;
  }
  writePng(path, out, w, h, 1);
}
