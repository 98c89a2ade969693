/**
 * The ^GFA encoder (printers/render/gfa.ts) against an independent decoder of Zebra's ASCII
 * compression and against the plain nibble-by-nibble encoding it replaced (same bytes: the
 * speed-up must not change what is sent to the printer), on random bitmaps and edge cases.
 */
import type { Bitmap } from '../../../printers/raster';
import { encodeGfaData, gfaField, gfaFieldBytes } from '../../../printers/render/gfa';

/** Zebra's ASCII compression decoded as the ZPL II guide describes ^GF data. */
function decode(data: string, bytesPerRow: number, rows: number): Uint8Array {
  const out = new Uint8Array(bytesPerRow * rows);
  const digits = bytesPerRow * 2;
  let row: string[] = [];
  let prev: string[] = Array.from({ length: digits }, () => '0');
  let count = 0;
  let r = 0;
  const endRow = (fill: string) => {
    while (row.length < digits) row.push(fill);
    for (let i = 0; i < bytesPerRow; i++) out[r * bytesPerRow + i] = parseInt(row[2 * i] + row[2 * i + 1], 16);
    prev = row;
    row = [];
    r++;
  };
  for (const c of data) {
    if (c >= 'G' && c <= 'Y') count += c.charCodeAt(0) - 0x46;
    else if (c >= 'g' && c <= 'z') count += (c.charCodeAt(0) - 0x66) * 20;
    else if (c === ',') endRow('0');
    else if (c === '!') endRow('F');
    else if (c === ':') {
      row = [...prev];
      endRow('0');
    } else {
      // plain checks, not expect(): this runs for every character of thousands of rows
      if (!/^[0-9A-F]$/.test(c)) throw new Error(`not a hex digit: ${c}`);
      for (let k = 0; k < (count || 1); k++) row.push(c);
      count = 0;
      if (row.length > digits) throw new Error(`row ${r} longer than ${digits} digits`);
      if (row.length === digits) endRow('0');
    }
  }
  expect(count).toBe(0);
  expect(row).toEqual([]);
  expect(r).toBe(rows);
  return out;
}

/** The encoding before it was optimised, one nibble at a time: the bytes must stay the same. */
function reference(bmp: Bitmap): string {
  const count = (n: number) => (n >= 20 ? String.fromCharCode(0x66 + Math.floor(n / 20)) : '') + (n % 20 ? String.fromCharCode(0x46 + (n % 20)) : '');
  let out = '';
  for (let r = 0; r < bmp.height; r++) {
    const row = bmp.data.subarray(r * bmp.bytesPerRow, (r + 1) * bmp.bytesPerRow);
    if (r > 0 && Buffer.from(row).equals(Buffer.from(bmp.data.subarray((r - 1) * bmp.bytesPerRow, r * bmp.bytesPerRow)))) {
      out += ':';
      continue;
    }
    let end = row.length;
    while (end > 0 && row[end - 1] === 0) end--;
    const hex = Buffer.from(row.subarray(0, end)).toString('hex').toUpperCase();
    for (const [run] of hex.matchAll(/(.)\1*/g)) {
      for (let n = run.length; n > 0; n -= 419) {
        const k = Math.min(n, 419);
        out += k > 2 ? count(k) + run[0] : run[0].repeat(k);
      }
    }
    if (end < row.length) out += ',';
  }
  return out;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bitmap(width: number, height: number, byte: (x: number, y: number) => number): Bitmap {
  const bytesPerRow = Math.ceil(width / 8);
  const data = new Uint8Array(bytesPerRow * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < bytesPerRow; x++) data[y * bytesPerRow + x] = byte(x, y);
  // bits past the width stay clear, as the rasteriser leaves them
  if (width % 8) for (let y = 0; y < height; y++) data[y * bytesPerRow + bytesPerRow - 1] &= (0xff00 >> (width % 8)) & 0xff;
  return { width, height, bytesPerRow, data };
}

function check(bmp: Bitmap): string {
  const data = encodeGfaData(bmp);
  expect(data).toBe(reference(bmp));
  expect(Buffer.from(decode(data, bmp.bytesPerRow, bmp.height)).equals(Buffer.from(bmp.data))).toBe(true);
  return data;
}

test('random bitmaps of odd widths and densities decode back to their bits', () => {
  const next = rng(20261205);
  for (let k = 0; k < 300; k++) {
    const width = 1 + Math.floor(next() * 1300);
    const height = 1 + Math.floor(next() * 40);
    const density = [0, 0.02, 0.3, 0.5, 0.9, 1][k % 6];
    // text-like: runs of white and black bytes, mixed bytes, and some repeated rows
    const rows: number[][] = [];
    for (let y = 0; y < height; y++) {
      if (y > 0 && next() < 0.25) rows.push(rows[y - 1]);
      else rows.push(Array.from({ length: Math.ceil(width / 8) }, () => (next() < density ? (next() < 0.5 ? 0xff : Math.floor(next() * 256)) : 0)));
    }
    check(bitmap(width, height, (x, y) => rows[y][x]));
  }
});

test('edge cases: white rows, black rows, repeated rows, one pixel, runs across the 419 limit', () => {
  expect(check(bitmap(16, 3, () => 0))).toBe(',::'); // a white row, then repeats of it
  expect(check(bitmap(16, 2, () => 0xff))).toBe('JF:'); // 4 digits F = 'J' + F
  expect(check(bitmap(1, 1, () => 0x80))).toBe('80'); // whole bytes: only trailing zero bytes become ','
  expect(check(bitmap(1, 1, () => 0))).toBe(',');
  expect(check(bitmap(24, 3, (x, y) => (y === 1 ? 0 : 0x0f)))).toBe('0F0F0F,0F0F0F'); // repeats only of the row just before
  // a white first row under a black one, a row inked only at its end
  check(bitmap(64, 4, (x, y) => (y === 0 ? 0xff : y === 1 ? 0 : x === 7 ? 1 : 0)));
  // rows of 2 × 210 + … digits: runs of exactly 419, 420 and 838 digits, and counts 20, 400
  for (const width of [8 * 210, 8 * 419, 8 * 420, 8 * 200, 8 * 10, 8 * 11]) {
    check(bitmap(width, 2, () => 0xff));
    check(bitmap(width, 2, (x) => (x === width / 8 - 1 ? 0x0f : 0))); // 419+ white digits then ink
    check(bitmap(width + 4, 2, (x) => (x < width / 8 ? 0xff : 0xf0))); // one digit more of the same run
  }
});

test('the field as bytes is the field as text: header with sizes, then the data', () => {
  const bmp = bitmap(100, 20, (x, y) => (x * 37 + y * 11) & 0xff & (y % 3 ? 0xff : 0));
  expect(gfaField(bmp)).toBe(`^GFA,260,260,13,${reference(bmp)}`);
  expect(gfaFieldBytes(bmp).toString('latin1')).toBe(gfaField(bmp));
  // a later, larger field reuses the scratch: the earlier result must be unaffected
  const first = gfaFieldBytes(bmp);
  gfaFieldBytes(bitmap(4000, 30, () => 0x5a));
  expect(first.toString('latin1')).toBe(gfaField(bmp));
});
