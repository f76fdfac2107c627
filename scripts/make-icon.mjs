#!/usr/bin/env node
// Draws the extension icon, images/icon.png (128 x 128): a falling loss curve over a rounded square, with a check
// mark above where it levels off. Plain geometry, 4 x 4 supersampled, written as an RGBA PNG with node:zlib; no image library.
//
// Usage: node scripts/make-icon.mjs [--check]   (--check: exit 1 if images/icon.png differs)
import { deflateSync, inflateSync } from 'node:zlib';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');
const SIZE = 128;
const SAMPLES = 4;

const BACKGROUND = [32, 54, 92];
const CURVE = [255, 255, 255];
const CHECK = [76, 201, 126];

/** Distance from (x, y) to the segment a-b. */
function toSegment(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

function nearPolyline(x, y, points, width) {
  for (let i = 1; i < points.length; i++) if (toSegment(x, y, points[i - 1], points[i]) <= width / 2) return true;
  return false;
}

function insideRoundedSquare(x, y, margin, radius) {
  const lo = margin + radius;
  const hi = SIZE - margin - radius;
  const cx = Math.max(lo, Math.min(hi, x));
  const cy = Math.max(lo, Math.min(hi, y));
  return Math.hypot(x - cx, y - cy) <= radius;
}

// A loss curve: steep at first, then flattening (a hyperbola, 1.4 / (0.55 step + 1.4), scaled into the square).
const curve = Array.from({ length: 26 }, (_, i) => [22 + i * 3.4, 100 - 68 * (1.4 / (i * 0.55 + 1.4))]);
const check = [[70, 42], [82, 54], [104, 30]];

/** The colour of one sample point: the topmost shape that covers it, or transparent. */
function sample(x, y) {
  if (nearPolyline(x, y, check, 10)) return [...CHECK, 255];
  if (nearPolyline(x, y, curve, 8)) return [...CURVE, 255];
  if (insideRoundedSquare(x, y, 4, 22)) return [...BACKGROUND, 255];
  return [0, 0, 0, 0];
}

function pixels() {
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    rows[y * (SIZE * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [r, g, b, a] = sample(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          // Colours weighted by coverage, so edges blend into transparency without a dark fringe.
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const at = y * (SIZE * 4 + 1) + 1 + x * 4;
      const alpha = sum[3] / (SAMPLES * SAMPLES);
      for (let c = 0; c < 3; c++) rows[at + c] = sum[3] > 0 ? Math.round(sum[c] / sum[3]) : 0;
      rows[at + 3] = Math.round(alpha);
    }
  }
  return rows;
}

// PNG chunks carry a CRC-32 of their type and data (PNG specification, section 5.3).
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png() {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels(), { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** The pixel rows a PNG written by png() holds (its IDAT data inflated), or undefined for another file. */
function storedPixels(file) {
  const parts = [];
  for (let at = 8; at + 8 <= file.length; ) {
    const length = file.readUInt32BE(at);
    if (file.toString('ascii', at + 4, at + 8) === 'IDAT') parts.push(file.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  try {
    return inflateSync(Buffer.concat(parts));
  } catch {
    return undefined;
  }
}

if (process.argv.includes('--check')) {
  // Pixels, not bytes, are compared: another zlib may compress the same rows differently.
  const stored = existsSync(OUT) ? storedPixels(readFileSync(OUT)) : undefined;
  if (!stored || !stored.equals(pixels())) {
    console.error('images/icon.png is out of date: run node scripts/make-icon.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(OUT, png());
}
