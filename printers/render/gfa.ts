/**
 * ZPL ^GF graphic fields in ASCII hex with Zebra's compression (ZPL II programming guide, ^GF,
 * "ASCII hexadecimal compression"): the bitmaps of text lines a Zebra printer has no font for.
 */
import type { Bitmap } from '../raster';

const HEX_DIGIT = Uint8Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));
const COLON = 0x3a; // ':' repeats the previous row
const COMMA = 0x2c; // ',' fills the rest of the row with zeros

/**
 * ZPL's ASCII compression counts hex digits: g..z = 20..400, G..Y = 1..19, so one count prefix
 * covers at most 419. Tabled as up to two characters per count so the hot loop only copies.
 */
const MAX_RUN = 419;
const COUNT_LEN = new Uint8Array(MAX_RUN + 1);
const COUNT_CHARS = new Uint8Array(2 * (MAX_RUN + 1));
for (let n = 1; n <= MAX_RUN; n++) {
  let len = 0;
  if (n >= 20) COUNT_CHARS[2 * n + len++] = 0x66 + Math.floor(n / 20); // 'g' = 20 … 'z' = 400
  if (n % 20) COUNT_CHARS[2 * n + len++] = 0x46 + (n % 20); // 'G' = 1 … 'Y' = 19
  COUNT_LEN[n] = len;
}

/** Writes `run` copies of hex digit `ch` at `o` (one or two as they are, more as count + digit); returns the new end. */
function writeRun(out: Uint8Array, o: number, ch: number, run: number): number {
  for (; run > MAX_RUN; run -= MAX_RUN) {
    out[o++] = COUNT_CHARS[2 * MAX_RUN];
    out[o++] = COUNT_CHARS[2 * MAX_RUN + 1];
    out[o++] = ch;
  }
  if (run > 2) {
    out[o++] = COUNT_CHARS[2 * run];
    if (COUNT_LEN[run] === 2) out[o++] = COUNT_CHARS[2 * run + 1];
    out[o++] = ch;
  } else {
    out[o++] = ch;
    if (run === 2) out[o++] = ch;
  }
  return o;
}

// Scratch output, grown on demand and reused: a batch encodes thousands of lines, and a fresh
// buffer per line was a good part of the garbage the profile showed. The result is copied out
// as a string, so nothing refers to the scratch after a call returns.
let scratch = Buffer.allocUnsafe(1 << 16);

/**
 * ^GFA data with Zebra's ASCII compression: runs of one hex digit become a count + digit, ','
 * ends a row with zeros, ':' repeats the previous row. Label text is mostly white, so this
 * shrinks the data several-fold (less to send, faster to parse on the printer).
 *
 * This is the hot loop of a ZPL batch (every waybill brings 5–6 new lines), so it works on
 * bytes, not nibbles: a byte whose two digits equal the current run's (00 inside white, FF
 * inside a stroke) extends the run by two without further tests, and runs are only written
 * out when they end, straight into a reused buffer.
 */
function encodeRows(bmp: Bitmap, out: Buffer, o: number): number {
  const { bytesPerRow: bpr, height, data } = bmp;
  for (let r = 0, base = 0; r < height; r++, base += bpr) {
    if (r > 0) {
      let i = 0;
      while (i < bpr && data[base + i] === data[base - bpr + i]) i++;
      if (i === bpr) {
        out[o++] = COLON;
        continue;
      }
    }
    let end = base + bpr; // up to the last inked byte: ',' stands for the rest
    while (end > base && data[end - 1] === 0) end--;
    let digit = -1; // hex digit value of the current run
    let run = 0;
    for (let i = base; i < end; i++) {
      const b = data[i];
      if (b === digit * 0x11) {
        run += 2;
        continue;
      }
      const hi = b >> 4;
      const lo = b & 15;
      if (hi !== digit) {
        if (run) o = writeRun(out, o, HEX_DIGIT[digit], run);
        digit = hi;
        run = 0;
      }
      run++;
      if (lo !== digit) {
        o = writeRun(out, o, HEX_DIGIT[digit], run);
        digit = lo;
        run = 0;
      }
      run++;
    }
    if (run) o = writeRun(out, o, HEX_DIGIT[digit], run);
    if (end < base + bpr) out[o++] = COMMA;
  }
  return o;
}

/** Scratch large enough for the header and the worst case of `bmp`'s data. */
function scratchFor(bmp: Bitmap): Buffer {
  // worst case: 2 hex digits per byte (runs of 3+ digits only shrink) plus a row marker
  const worst = 64 + bmp.height * (bmp.bytesPerRow * 2 + 1);
  if (scratch.length < worst) scratch = Buffer.allocUnsafe(Math.max(worst, 2 * scratch.length));
  return scratch;
}

export function encodeGfaData(bmp: Bitmap): string {
  const out = scratchFor(bmp);
  return out.toString('latin1', 0, encodeRows(bmp, out, 0));
}

function gfaHeader(bmp: Bitmap): string {
  const total = bmp.bytesPerRow * bmp.height;
  return `^GFA,${total},${total},${bmp.bytesPerRow},`;
}

export function gfaField(bmp: Bitmap): string {
  return gfaHeader(bmp) + encodeGfaData(bmp);
}

/** The whole ^GFA field as bytes (ASCII), for renderers that assemble their output as bytes. */
export function gfaFieldBytes(bmp: Bitmap): Buffer {
  const out = scratchFor(bmp);
  const o = encodeRows(bmp, out, out.write(gfaHeader(bmp), 0, 'latin1'));
  return Buffer.from(out.subarray(0, o)); // a copy: the scratch is reused by the next call
}

