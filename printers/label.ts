/**
 * The label model: one description of a label, in millimetres, rendered by separate renderers
 * to PDF, ZPL, TSPL and ESC/POS (printers/render/). SKU labels are built on it now; carrier
 * e-waybills (76x130, 100x150, 100x180 mm, a huge routing code, Code 128 + QR) later.
 *
 * Coordinates: origin at the top-left corner of the label, x to the right, y down, all in mm
 * (decimals allowed). Renderers convert to printer dots with mmToDots(); quantities that are
 * counts (lines, copies, dots, dpi) are integers.
 */
import { planCode128 } from './code128';

export type Dpi = 203 | 300;
export type Align = 'left' | 'center' | 'right';

export interface TextElement {
  kind: 'text';
  xMm: number;
  /** Top of the first line's em box (see sizeMm). */
  yMm: number;
  /** Unicode text; '\n' forces a line break. */
  text: string;
  /**
   * Font size in mm = the em size: the height (and width) of one Chinese character cell. Latin
   * capitals are about 0.73 of it. A line occupies lineHeight x sizeMm vertically.
   */
  sizeMm: number;
  bold?: boolean;
  /**
   * Width of the text box starting at xMm (default: up to the label's right edge). Lines are
   * wrapped to it, and aligned within it.
   */
  maxWidthMm?: number;
  /** Lines kept at most (integer, default 1); the last kept line ends in '…' when cut. */
  maxLines?: number;
  /** 'wrap' (default): wrap at sizeMm. 'shrink': first reduce the size (down to minSizeMm) until the text fits in maxLines. */
  overflow?: 'wrap' | 'shrink';
  /** Smallest size 'shrink' may use (default 0.6 x sizeMm). */
  minSizeMm?: number;
  align?: Align;
  /** Line pitch as a multiple of the size (default 1.25). */
  lineHeight?: number;
}

export type LinearSymbology = 'code128' | 'ean13' | 'ean8' | 'upca';
export type Symbology = LinearSymbology | 'qr';

export interface LinearBarcodeElement {
  kind: 'barcode';
  symbology: LinearSymbology;
  /** Top-left corner of the bars (the quiet zones lie outside it; the layout must keep them white). */
  xMm: number;
  yMm: number;
  /**
   * Data as scanned: EAN-13 13 digits, EAN-8 8 digits, UPC-A 12 digits, each with its check
   * digit (checked); Code 128 printable ASCII. Renderers drop the check digit where the
   * printer computes it.
   */
  data: string;
  /** Height of the bars; the human-readable line goes below, within HRI_MM. */
  heightMm: number;
  /** Narrow bar (module) width; default 0.25 mm = 2 dots at 203 dpi, 3 dots at 300 dpi. */
  moduleMm?: number;
  /** Print the digits/text under the bars (default true). */
  humanReadable?: boolean;
}

export interface QrBarcodeElement {
  kind: 'barcode';
  symbology: 'qr';
  /** Top-left corner of the symbol (4-module quiet zone outside it). */
  xMm: number;
  yMm: number;
  /** Encoded as UTF-8 bytes by every renderer. */
  data: string;
  /** Module (cell) size; default 0.5 mm = 4 dots at 203 dpi. */
  moduleMm?: number;
  /** Error correction level; default 'M'. */
  ecLevel?: 'L' | 'M' | 'Q' | 'H';
}

export type BarcodeElement = LinearBarcodeElement | QrBarcodeElement;

/** A horizontal or vertical rule (printers draw only those natively). */
export interface LineElement {
  kind: 'line';
  xMm: number;
  yMm: number;
  lengthMm: number;
  direction: 'horizontal' | 'vertical';
  thicknessMm: number;
}

/** A rectangle outline whose outer edge is the given box. */
export interface BoxElement {
  kind: 'box';
  xMm: number;
  yMm: number;
  widthMm: number;
  heightMm: number;
  thicknessMm: number;
}

export type LabelElement = TextElement | BarcodeElement | LineElement | BoxElement;

export interface Label {
  widthMm: number;
  heightMm: number;
  elements: LabelElement[];
}

export const DEFAULT_MODULE_MM = 0.25;
export const DEFAULT_QR_MODULE_MM = 0.5;
/** Room kept below linear bars for the human-readable line (printer HRI fonts are ~3 mm). */
export const HRI_MM = 3.5;
export const DEFAULT_LINE_HEIGHT = 1.25;

/**
 * Quiet zone (white margin) in modules on each side of a symbol. Code 128 and UPC/EAN need 10
 * (EAN-13 11 on the left, where its first digit is printed); QR needs 4.
 */
export const QUIET_ZONE_MODULES: Record<Symbology, number> = { code128: 10, ean13: 11, ean8: 10, upca: 10, qr: 4 };

/** dots = round(mm x dpi / 25.4) */
export function mmToDots(mm: number, dpi: number): number {
  return Math.round((mm * dpi) / 25.4);
}

export function dotsToMm(dots: number, dpi: number): number {
  return (dots * 25.4) / dpi;
}

/**
 * Module width in dots: at least 1, and what the printer really prints, so layout checks use
 * the rounded width (0.25 mm is 3 dots = 0.254 mm at 300 dpi).
 */
export function moduleDots(el: BarcodeElement, dpi: number): number {
  const mm = el.moduleMm ?? (el.symbology === 'qr' ? DEFAULT_QR_MODULE_MM : DEFAULT_MODULE_MM);
  return Math.max(1, mmToDots(mm, dpi));
}

/** The module width in mm, exact (no dpi) or as printed at a dpi. */
export function moduleMm(el: BarcodeElement, dpi?: number): number {
  if (dpi) return dotsToMm(moduleDots(el, dpi), dpi);
  return el.moduleMm ?? (el.symbology === 'qr' ? DEFAULT_QR_MODULE_MM : DEFAULT_MODULE_MM);
}

/**
 * QR byte-mode capacity (ISO/IEC 18004 table 7), versions 1-20, per error-correction level.
 * Byte mode is the worst case: printers that pick numeric/alphanumeric mode produce a symbol
 * no larger than this, so the layout reserves enough room.
 */
const QR_BYTE_CAPACITY: Record<'L' | 'M' | 'Q' | 'H', number[]> = {
  L: [17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792, 858],
  M: [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666],
  Q: [11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322, 364, 394, 442, 482],
  H: [7, 14, 24, 34, 44, 58, 64, 84, 98, 119, 137, 155, 177, 194, 220, 250, 280, 310, 338, 382],
};

/** Smallest QR version (1-20) that holds the data as UTF-8 bytes, or null when none does. */
export function qrVersion(data: string, ecLevel: 'L' | 'M' | 'Q' | 'H' = 'M'): number | null {
  const bytes = Buffer.byteLength(data, 'utf8');
  const caps = QR_BYTE_CAPACITY[ecLevel];
  for (let v = 0; v < caps.length; v++) if (bytes <= caps[v]) return v + 1;
  return null;
}

/** Width of the symbol in modules (quiet zones excluded). */
export function symbolModules(el: BarcodeElement): number {
  switch (el.symbology) {
    case 'ean13':
    case 'upca':
      return 95;
    case 'ean8':
      return 67;
    case 'code128':
      return planCode128(el.data).modules;
    case 'qr': {
      const v = qrVersion(el.data, el.ecLevel ?? 'M');
      if (v === null) throw new Error(`QR data too long (${Buffer.byteLength(el.data)} bytes) for version 20`);
      return 17 + 4 * v;
    }
  }
}

export interface Rect {
  xMm: number;
  yMm: number;
  widthMm: number;
  heightMm: number;
}

/** The area the symbol covers: bars plus human-readable line (linear) or the square (QR). */
export function barcodeRect(el: BarcodeElement, dpi?: number): Rect {
  const m = moduleMm(el, dpi);
  const w = symbolModules(el) * m;
  if (el.symbology === 'qr') return { xMm: el.xMm, yMm: el.yMm, widthMm: w, heightMm: w };
  const h = el.heightMm + (el.humanReadable === false ? 0 : HRI_MM);
  return { xMm: el.xMm, yMm: el.yMm, widthMm: w, heightMm: h };
}

/** The symbol with its quiet zone on all four sides: nothing else may be drawn there. */
export function quietZoneRect(el: BarcodeElement, dpi?: number): Rect {
  const r = barcodeRect(el, dpi);
  const q = QUIET_ZONE_MODULES[el.symbology] * moduleMm(el, dpi);
  return { xMm: r.xMm - q, yMm: r.yMm - q, widthMm: r.widthMm + 2 * q, heightMm: r.heightMm + 2 * q };
}
