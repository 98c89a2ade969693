/**
 * Label → ESC/POS (receipt-style printers, often used at pack stations as a fallback).
 *
 * ESC/POS prints line by line and cannot go back up, so elements are laid out top to bottom by
 * their y: the paper is fed (ESC J) to each row's y, text pieces on the same row are placed with
 * ESC $ (absolute position, in dots at the default motion unit), barcodes and QR codes are
 * offset with GS L (left margin). Chinese text goes in Chinese mode (FS &) as GB18030 in the
 * built-in 24-dot font, sized with GS ! to the nearest multiple of 24 dots. Horizontal rules are
 * printed as raster images (GS v 0); vertical rules cannot be drawn line by line and are
 * reported as warnings. The job ends with a feed to the label's height and a cut (GS V).
 */
import iconv from 'iconv-lite';
import { planCode128 } from '../code128';
import { HRI_MM, mmToDots, moduleDots, symbolModules, type BarcodeElement, type Label } from '../label';
import { assertBarcode, layoutText } from '../layout';
import { checkDpi, copiesOf, printableLine, warnTruncated, type PrinterRenderOptions } from './common';

export interface EscposOptions extends PrinterRenderOptions {
  /** Printable width of the printer in dots (384 for 58 mm paper, 576 for 80 mm); default: the label width. */
  widthDots?: number;
  /** Cut after each label (default true). */
  cut?: boolean;
}

const ESC = 0x1b, GS = 0x1d, FS = 0x1c, LF = 0x0a;
const CELL = 24; // dots: Chinese characters are 24x24, ASCII 12x24 in font A

const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];

/** ESC J n feeds n dots; n is one byte, so long feeds are split. */
function feed(dots: number): number[] {
  const out: number[] = [];
  for (let left = Math.round(dots); left > 0; left -= 255) out.push(ESC, 0x4a, Math.min(255, left));
  return out;
}

interface Row {
  y: number;
  x: number;
  /** Dots the paper advances after the row is printed. */
  advance: number;
  bytes: number[];
  /** Text rows at the same y are merged into one printed line. */
  text?: boolean;
}

/** GS k data for Code 128: "{A"/"{B"/"{C" before each segment; in set C each digit pair is one byte. */
export function escposCode128Data(data: string): number[] {
  const out: number[] = [];
  for (const seg of planCode128(data).segments) {
    out.push(0x7b, seg.set.charCodeAt(0));
    if (seg.set === 'C') {
      for (let i = 0; i < seg.text.length; i += 2) out.push(Number(seg.text.slice(i, i + 2)));
    } else {
      for (const ch of seg.text) {
        const c = ch.charCodeAt(0);
        if (c === 0x7b) out.push(0x7b, 0x7b); // a literal '{' is written twice
        else out.push(c);
      }
    }
  }
  return out;
}

function barcodeRow(el: BarcodeElement, dpi: number, x: number, y: number): Row {
  assertBarcode(el);
  const m = moduleDots(el, dpi);
  const margin = [GS, 0x4c, ...u16(x)]; // GS L: left margin, effective at the start of a line
  const reset = [GS, 0x4c, 0, 0];
  if (el.symbology === 'qr') {
    const data = [...Buffer.from(el.data, 'utf8')];
    const ec = { L: 48, M: 49, Q: 50, H: 51 }[el.ecLevel ?? 'M'];
    const size = Math.min(16, Math.max(1, m));
    const bytes = [
      ...margin,
      GS, 0x28, 0x6b, 4, 0, 49, 65, 50, 0, // model 2
      GS, 0x28, 0x6b, 3, 0, 49, 67, size, // module size in dots
      GS, 0x28, 0x6b, 3, 0, 49, 69, ec, // error correction level
      GS, 0x28, 0x6b, ...u16(data.length + 3), 49, 80, 48, ...data, // store the data
      GS, 0x28, 0x6b, 3, 0, 49, 81, 48, // print the stored symbol
      ...reset,
    ];
    return { y, x, advance: symbolModules(el) * size, bytes };
  }
  const h = Math.min(255, Math.max(1, mmToDots(el.heightMm, dpi)));
  const hri = el.humanReadable !== false;
  // GS k m n d…: 73 CODE128 (code sets given), 67 EAN13, 68 EAN8, 65 UPC-A (check digit computed by the printer)
  const [m2, data] =
    el.symbology === 'code128' ? [73, escposCode128Data(el.data)]
    : el.symbology === 'ean13' ? [67, [...Buffer.from(el.data.slice(0, 12))]]
    : el.symbology === 'ean8' ? [68, [...Buffer.from(el.data.slice(0, 7))]]
    : [65, [...Buffer.from(el.data.slice(0, 11))]];
  const bytes = [
    ...margin,
    GS, 0x48, hri ? 2 : 0, // HRI below the bars, or none
    GS, 0x66, 0, // HRI in font A
    GS, 0x68, h, // bar height in dots
    GS, 0x77, Math.min(6, Math.max(2, m)), // module width in dots (ESC/POS accepts 2-6)
    GS, 0x6b, m2, data.length, ...data,
    ...reset,
  ];
  return { y, x, advance: h + (hri ? mmToDots(HRI_MM, dpi) : 0), bytes };
}

/** A horizontal rule as a raster image (GS v 0): bits set from x over len dots, t rows. */
function ruleRow(x: number, y: number, len: number, t: number, maxWidth: number): Row {
  const end = Math.min(maxWidth, x + len);
  const widthBytes = Math.ceil(end / 8);
  const row = new Array<number>(widthBytes).fill(0);
  for (let px = x; px < end; px++) row[px >> 3] |= 0x80 >> (px & 7);
  const bytes = [GS, 0x76, 0x30, 0, ...u16(widthBytes), ...u16(t)];
  for (let r = 0; r < t; r++) bytes.push(...row);
  return { y, x, advance: t, bytes };
}

function labelJob(label: Label, opts: EscposOptions): number[] {
  const dpi = checkDpi(opts.dpi);
  const labelWidth = mmToDots(label.widthMm, dpi);
  const width = opts.widthDots ?? labelWidth;
  // A label wider than the paper is squeezed horizontally (positions only; sizes are the printer's).
  const sx = Math.min(1, width / labelWidth);
  const X = (mm: number) => Math.max(0, Math.round(mmToDots(mm, dpi) * sx));
  const Y = (mm: number) => mmToDots(mm, dpi);
  const warnings = opts.warnings;
  const rows: Row[] = [];

  label.elements.forEach((el, i) => {
    switch (el.kind) {
      case 'text': {
        const t = layoutText(el, label.widthMm);
        if (t.truncated) warnTruncated(i, el.text, warnings);
        const mul = Math.min(8, Math.max(1, Math.round(Y(t.sizeMm) / CELL)));
        for (const line of t.lines) {
          const text = printableLine(line.text, 'gbk', t.weight, i, warnings, 'escpos');
          if (!text) continue;
          let w = 0;
          for (const ch of text) w += (ch.codePointAt(0)! < 0x80 ? CELL / 2 : CELL) * mul;
          const slack = Math.max(0, X(t.boxXMm + t.boxWidthMm) - X(t.boxXMm) - w);
          const x = X(t.boxXMm) + (t.align === 'center' ? Math.round(slack / 2) : t.align === 'right' ? slack : 0);
          const bytes = [
            ESC, 0x24, ...u16(x), // ESC $: absolute position on the line
            ESC, 0x45, t.weight === 'bold' ? 1 : 0, // ESC E: emphasized
            GS, 0x21, ((mul - 1) << 4) | (mul - 1), // GS !: width and height multipliers
            ...iconv.encode(text, 'gb18030'),
          ];
          rows.push({ y: Y(line.yMm), x, advance: Math.max(Y(t.lineHeightMm), CELL * mul), bytes, text: true });
        }
        break;
      }
      case 'barcode':
        rows.push(barcodeRow(el, dpi, X(el.xMm), Y(el.yMm)));
        break;
      case 'line':
        if (el.direction === 'horizontal') rows.push(ruleRow(X(el.xMm), Y(el.yMm), X(el.xMm + el.lengthMm) - X(el.xMm), Math.max(1, Y(el.thicknessMm)), width));
        else warnings?.push({ elementIndex: i, code: 'unsupported-element', message: 'escpos: vertical lines cannot be printed line by line; left out' });
        break;
      case 'box': {
        const t = Math.max(1, Y(el.thicknessMm));
        const len = X(el.xMm + el.widthMm) - X(el.xMm);
        rows.push(ruleRow(X(el.xMm), Y(el.yMm), len, t, width), ruleRow(X(el.xMm), Y(el.yMm + el.heightMm) - t, len, t, width));
        warnings?.push({ elementIndex: i, code: 'unsupported-element', message: 'escpos: only the top and bottom edges of a box are printed' });
        break;
      }
    }
  });

  // Top to bottom; text pieces within a few dots of each other share one printed line.
  rows.sort((a, b) => a.y - b.y || a.x - b.x);
  const merged: Row[] = [];
  for (const r of rows) {
    const last = merged[merged.length - 1];
    if (r.text && last?.text && Math.abs(r.y - last.y) <= 4) {
      last.bytes.push(...r.bytes);
      last.advance = Math.max(last.advance, r.advance);
    } else merged.push({ ...r, bytes: [...r.bytes] });
  }

  const out: number[] = [ESC, 0x40, FS, 0x26]; // ESC @ initialise; FS & Chinese mode
  let cur = 0;
  for (const r of merged) {
    if (r.y > cur) out.push(...feed(r.y - cur));
    cur = Math.max(cur, r.y);
    if (r.text) {
      out.push(ESC, 0x33, Math.min(255, r.advance), ...r.bytes, ESC, 0x45, 0, GS, 0x21, 0, LF); // ESC 3: line spacing
    } else out.push(...r.bytes);
    cur += r.advance;
  }
  const height = Y(label.heightMm);
  if (cur < height) out.push(...feed(height - cur));
  if (opts.cut !== false) out.push(GS, 0x56, 66, 0); // GS V B 0: feed to the cutter and cut (partial)
  return out;
}

/** One label as ESC/POS bytes; copies repeat the whole job (ESC/POS has no copy count). */
export function renderEscpos(label: Label, opts: EscposOptions): Buffer {
  const copies = copiesOf(opts);
  const job = Buffer.from(labelJob(label, opts));
  return copies === 1 ? job : Buffer.concat(Array.from({ length: copies }, () => job));
}
