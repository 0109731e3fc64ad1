// Draws the app icon (build/icon.png, 512×512 RGBA): a rounded square in BillPro blue with a
// white "B". Pure Node: shapes are sampled 4×4 per pixel for smooth edges and written with a
// small PNG encoder over zlib. electron-builder derives .icns and .ico from this PNG.
// Run: node scripts/make-icon.mjs [size] [out]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ------------------------------------------------------------------ PNG encoding

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** RGBA pixels (width × height × 4 bytes, row-major) → PNG file bytes. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ------------------------------------------------------------------ drawing (unit square, y down)

const INSET = 0.055;
const CORNER = 0.21;
const TOP = [59, 130, 246]; // brand blue, lighter at the top
const BOTTOM = [29, 78, 216];

function inRoundedSquare(x, y) {
  const lo = INSET + CORNER;
  const hi = 1 - INSET - CORNER;
  const dx = Math.max(lo - x, 0, x - hi);
  const dy = Math.max(lo - y, 0, y - hi);
  return dx * dx + dy * dy <= CORNER * CORNER;
}

/** A "D" shape: a bar from `left` to `right` closed by a half disc of radius (bottom - top) / 2. */
function inBowl(x, y, left, right, top, bottom) {
  if (y < top || y > bottom || x < left) return false;
  if (x <= right) return true;
  const r = (bottom - top) / 2;
  const cy = top + r;
  return (x - right) ** 2 + (y - cy) ** 2 <= r * r;
}

// The letter's geometry: stem, an upper bowl and a slightly wider lower bowl, stroke STROKE.
const STROKE = 0.09;
const LEFT = 0.325;
const TOP_Y = 0.235;
const MID_Y = 0.485;
const BOTTOM_Y = 0.765;
const UPPER_RIGHT = 0.515;
const LOWER_RIGHT = 0.53;

function inLetterB(x, y) {
  const upper =
    inBowl(x, y, LEFT, UPPER_RIGHT, TOP_Y, MID_Y + STROKE / 2) &&
    !inBowl(x, y, LEFT + STROKE, UPPER_RIGHT, TOP_Y + STROKE, MID_Y - STROKE / 2);
  const lower =
    inBowl(x, y, LEFT, LOWER_RIGHT, MID_Y - STROKE / 2, BOTTOM_Y) &&
    !inBowl(x, y, LEFT + STROKE, LOWER_RIGHT, MID_Y + STROKE / 2, BOTTOM_Y - STROKE);
  const stem = x >= LEFT && x <= LEFT + STROKE && y >= TOP_Y && y <= BOTTOM_Y;
  return stem || upper || lower;
}

export function drawIcon(size, samples = 4) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = samples * samples;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let square = 0;
      let letter = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (inRoundedSquare(x, y)) {
            square++;
            if (inLetterB(x, y)) letter++;
          }
        }
      }
      const t = py / (size - 1);
      const w = square === 0 ? 0 : letter / square;
      const o = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) {
        const blue = TOP[c] + (BOTTOM[c] - TOP[c]) * t;
        rgba[o + c] = Math.round(blue + (255 - blue) * w);
      }
      rgba[o + 3] = Math.round((255 * square) / n);
    }
  }
  return encodePng(size, size, rgba);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const size = Number(process.argv[2] ?? 512);
  const out = path.resolve(root, process.argv[3] ?? path.join('build', 'icon.png'));
  writeFileSync(out, drawIcon(size));
  console.log(`wrote ${path.relative(root, out)} (${size}×${size})`);
}
