/**
 * Text to 1-bit bitmaps, for printers without a Chinese font (most Zebra printers: ZPL ^GFA).
 *
 * Written here rather than taken from a library because the need is small and specific: glyph
 * outlines come from fontkit (already loaded for the PDF), curves are flattened to line segments
 * and filled with a non-zero-winding scanline rasteriser, 4x4 supersampled and thresholded
 * (thin strokes survive better than with centre sampling). Glyph bitmaps are cached per
 * (weight, glyph, pixel size), so a batch of labels rasterises each character once.
 */
import { EM_ASCENT, getFont, glyphFor, type FkGlyph, type Weight } from './font';

interface GlyphBitmap {
  /** Offset of the bitmap's left column from the pen position, in pixels. */
  left: number;
  /** Offset of the bitmap's top row from the baseline (negative = above), in pixels. */
  top: number;
  width: number;
  height: number;
  /** One byte per pixel, 1 = ink. */
  pixels: Uint8Array;
  /** The same, packed 8 pixels per byte (MSB first), for fast blitting. */
  rowBytes: number;
  packed: Uint8Array;
}

const SS = 4; // supersampling factor in each direction
const THRESHOLD = 0.45; // coverage that inks a pixel (slightly below half: thermal heads thin strokes)

type Edge = [x0: number, y0: number, x1: number, y1: number];

/** Glyph outline as line segments in pixel space (y down, origin at pen position on the baseline). */
function outline(glyph: FkGlyph, scale: number): Edge[] {
  const edges: Edge[] = [];
  let sx = 0, sy = 0, cx = 0, cy = 0;
  const lineTo = (x: number, y: number) => {
    if (y !== cy) edges.push([cx, cy, x, y]); // horizontal edges never cross a scanline
    cx = x;
    cy = y;
  };
  for (const { command, args } of glyph.path.commands) {
    const p = args.map((v, i) => (i % 2 === 0 ? v * scale : -v * scale));
    if (command === 'moveTo') {
      if (cx !== sx || cy !== sy) lineTo(sx, sy);
      sx = cx = p[0];
      sy = cy = p[1];
    } else if (command === 'lineTo') {
      lineTo(p[0], p[1]);
    } else if (command === 'quadraticCurveTo') {
      const [qx, qy, x, y] = p;
      // Segments so the flattening error (≈ deviation / 4n²) stays under 1/8 pixel.
      const dev = Math.hypot(qx - (cx + x) / 2, qy - (cy + y) / 2);
      const n = Math.min(32, Math.max(1, Math.ceil(Math.sqrt(dev * 2))));
      const x0 = cx, y0 = cy;
      for (let i = 1; i <= n; i++) {
        const t = i / n, u = 1 - t;
        lineTo(u * u * x0 + 2 * u * t * qx + t * t * x, u * u * y0 + 2 * u * t * qy + t * t * y);
      }
    } else if (command === 'bezierCurveTo') {
      const [ax, ay, bx, by, x, y] = p;
      const dev = Math.max(Math.hypot(ax - cx, ay - cy), Math.hypot(bx - x, by - y));
      const n = Math.min(32, Math.max(1, Math.ceil(Math.sqrt(dev * 2))));
      const x0 = cx, y0 = cy;
      for (let i = 1; i <= n; i++) {
        const t = i / n, u = 1 - t;
        lineTo(
          u * u * u * x0 + 3 * u * u * t * ax + 3 * u * t * t * bx + t * t * t * x,
          u * u * u * y0 + 3 * u * u * t * ay + 3 * u * t * t * by + t * t * t * y,
        );
      }
    } else if (command === 'closePath') {
      lineTo(sx, sy);
    }
  }
  if (cx !== sx || cy !== sy) lineTo(sx, sy);
  return edges;
}

function rasterise(glyph: FkGlyph, sizePx: number, unitsPerEm: number): GlyphBitmap {
  const edges = outline(glyph, sizePx / unitsPerEm);
  if (!edges.length) return { left: 0, top: 0, width: 0, height: 0, pixels: new Uint8Array(0), rowBytes: 0, packed: new Uint8Array(0) };
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x0, y0, x1, y1] of edges) {
    minX = Math.min(minX, x0, x1);
    maxX = Math.max(maxX, x0, x1);
    minY = Math.min(minY, y0, y1);
    maxY = Math.max(maxY, y0, y1);
  }
  const left = Math.floor(minX), top = Math.floor(minY);
  const width = Math.ceil(maxX) - left, height = Math.ceil(maxY) - top;
  const coverage = new Float32Array(width * height);
  const xs: number[] = [];
  const dirs: number[] = [];
  for (let row = 0; row < height; row++) {
    for (let sub = 0; sub < SS; sub++) {
      const y = top + row + (sub + 0.5) / SS;
      xs.length = dirs.length = 0;
      for (const [x0, y0, x1, y1] of edges) {
        // half-open on y so a vertex shared by two edges is counted once
        if ((y0 <= y && y < y1) || (y1 <= y && y < y0)) {
          xs.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0) - left);
          dirs.push(y1 > y0 ? 1 : -1);
        }
      }
      if (xs.length < 2) continue;
      const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
      let winding = 0;
      for (let k = 0; k < order.length - 1; k++) {
        winding += dirs[order[k]];
        if (winding === 0) continue; // non-zero rule: fill where the outline winds around
        const a = xs[order[k]], b = xs[order[k + 1]];
        const base = row * width;
        // exact horizontal coverage of [a, b) per pixel, weighted by one sub-row
        for (let px = Math.max(0, Math.floor(a)); px < Math.min(width, Math.ceil(b)); px++) {
          coverage[base + px] += (Math.min(b, px + 1) - Math.max(a, px)) / SS;
        }
      }
    }
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = coverage[i] >= THRESHOLD ? 1 : 0;
  const rowBytes = Math.ceil(width / 8);
  const packed = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (pixels[y * width + x]) packed[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
  }
  return { left, top, width, height, pixels, rowBytes, packed };
}

/**
 * A glyph as lines use it at one (weight, size): its bitmap, its advance and its packed rows
 * pre-shifted to each of the 8 bit offsets a pen position can have, made on first need. With
 * those, placing a glyph in a line is a plain OR of bytes; shifting and splitting bytes per
 * glyph per line was most of the time spent drawing a line.
 */
interface SizedGlyph {
  bmp: GlyphBitmap;
  /** Advance in pixels, unrounded (pen positions add these up and round each one). */
  advancePx: number;
  /** Per shift 0–7: rows of rowBytes (+ 1 if shifted) bytes. */
  shifted: Array<Uint8Array | undefined>;
}

const glyphCache = new Map<string, GlyphBitmap>();
// Per "weight:size", per code point: a waybill draws each character again on every label, so
// the per-character path is one Map lookup (fontkit's unitsPerEm getter alone was ~4% of it).
const sizedCache = new Map<string, Map<number, SizedGlyph>>();

function glyphBitmap(glyph: FkGlyph, weight: Weight, sizePx: number): GlyphBitmap {
  const key = `${weight}:${glyph.id}:${sizePx}`;
  let bmp = glyphCache.get(key);
  if (!bmp) {
    bmp = rasterise(glyph, sizePx, getFont(weight).unitsPerEm);
    glyphCache.set(key, bmp);
  }
  return bmp;
}

function sizedGlyph(glyphs: Map<number, SizedGlyph>, codePoint: number, weight: Weight, sizePx: number): SizedGlyph {
  let g = glyphs.get(codePoint);
  if (!g) {
    const glyph = glyphFor(codePoint, weight);
    // same expression as before caching, so pen positions round exactly as they did
    const advancePx = (glyph.advanceWidth * sizePx) / getFont(weight).unitsPerEm;
    g = { bmp: glyphBitmap(glyph, weight, sizePx), advancePx, shifted: [] };
    glyphs.set(codePoint, g);
  }
  return g;
}

function shiftedRows(g: SizedGlyph, shift: number): Uint8Array {
  let rows = g.shifted[shift];
  if (!rows) {
    const { packed, rowBytes, height } = g.bmp;
    if (shift === 0) rows = packed;
    else {
      const stride = rowBytes + 1;
      rows = new Uint8Array(stride * height);
      for (let y = 0; y < height; y++) {
        for (let j = 0; j < rowBytes; j++) {
          const b = packed[y * rowBytes + j];
          rows[y * stride + j] |= b >> shift;
          rows[y * stride + j + 1] = (b << (8 - shift)) & 0xff;
        }
      }
    }
    g.shifted[shift] = rows;
  }
  return rows;
}

export interface Bitmap {
  width: number;
  height: number;
  /** Rows of ceil(width / 8) bytes, most significant bit = leftmost pixel, 1 = ink. */
  bytesPerRow: number;
  data: Uint8Array;
}

// The glyphs of the line being drawn and their pen positions, reused from line to line.
const lineGlyphs: SizedGlyph[] = [];
const lineXs: number[] = [];

/**
 * One line of text as a bitmap whose top row is the top of the em box (so it can be placed at
 * the text element's y) and whose height is 1.2 em (room for descenders). Pen positions are
 * rounded to whole pixels so cached glyph bitmaps can be reused anywhere.
 */
export function rasteriseLine(text: string, sizePx: number, weight: Weight): Bitmap {
  const sizeKey = `${weight}:${sizePx}`;
  let glyphs = sizedCache.get(sizeKey);
  if (!glyphs) {
    glyphs = new Map();
    sizedCache.set(sizeKey, glyphs);
  }
  const baseline = Math.round(EM_ASCENT * sizePx);
  const height = Math.max(1, Math.ceil(1.2 * sizePx));
  let count = 0;
  let pen = 0;
  let width = 0;
  for (const ch of text) {
    const g = sizedGlyph(glyphs, ch.codePointAt(0)!, weight, sizePx);
    const x = Math.round(pen);
    lineGlyphs[count] = g;
    lineXs[count++] = x;
    pen += g.advancePx;
    width = Math.max(width, Math.round(pen), x + g.bmp.left + g.bmp.width);
  }
  width = Math.max(1, width);
  const bytesPerRow = Math.ceil(width / 8);
  const data = new Uint8Array(bytesPerRow * height);
  for (let k = 0; k < count; k++) {
    const g = lineGlyphs[k];
    const bmp = g.bmp;
    const gx0 = lineXs[k] + bmp.left;
    const gy0 = baseline + bmp.top;
    if (gx0 >= 0 && gx0 + bmp.width <= width && gy0 >= 0 && gy0 + bmp.height <= height) {
      // Fast path: OR whole bytes of the rows pre-shifted to the glyph's bit position. The
      // byte a shift spills into may lie past the row end; it is all zero then, so skip it.
      const shift = gx0 & 7;
      const rows = shiftedRows(g, shift);
      const stride = shift ? bmp.rowBytes + 1 : bmp.rowBytes;
      const n = Math.min(stride, bytesPerRow - (gx0 >> 3));
      let dst = gy0 * bytesPerRow + (gx0 >> 3);
      for (let src = 0; src < rows.length; src += stride, dst += bytesPerRow) {
        for (let j = 0; j < n; j++) data[dst + j] |= rows[src + j];
      }
      continue;
    }
    // Glyphs that stick out of the line box (descenders of large text, negative bearings): clip per pixel.
    for (let gy = 0; gy < bmp.height; gy++) {
      const y = gy0 + gy;
      if (y < 0 || y >= height) continue;
      const rowBase = y * bytesPerRow;
      const src = gy * bmp.width;
      for (let gx = 0; gx < bmp.width; gx++) {
        if (!bmp.pixels[src + gx]) continue;
        const px = gx0 + gx;
        if (px < 0 || px >= width) continue;
        data[rowBase + (px >> 3)] |= 0x80 >> (px & 7);
      }
    }
  }
  return { width, height, bytesPerRow, data };
}
